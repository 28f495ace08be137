package dev.sessionstarter.daemon;

import java.time.Clock;

import org.junit.jupiter.api.AfterEach;

import dev.sessionstarter.daemon.client.DaemonSessionStore;
import dev.sessionstarter.store.SessionRepositoryContractTests;
import dev.sessionstarter.store.SessionStore;

/**
 * The repository contract that every store passes, run against a real daemon process (a fresh
 * one for each test, so each starts empty). The daemon takes its notion of "now" for purges
 * and expiry checks from the client, so the contract's moving clock works across the wire.
 */
class DaemonStoreContractIT extends SessionRepositoryContractTests {

	private final TestDaemon daemon = new TestDaemon();

	@Override
	protected SessionStore createStore(Clock clock) {
		return new DaemonSessionStore(this.daemon.start());
	}

	@AfterEach
	void stopDaemon() {
		this.daemon.close();
	}

}
