package dev.sessionstarter.daemon;

import org.junit.jupiter.api.AfterEach;

import dev.sessionstarter.daemon.client.DaemonSessionStore;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.SessionStoreContractTests;

/**
 * The store contract run directly against the daemon store on a real daemon process (a fresh
 * one for each test, so each starts empty).
 */
class DaemonSessionStoreContractIT extends SessionStoreContractTests {

	private final TestDaemon daemon = new TestDaemon();

	@Override
	protected SessionStore createStore() {
		return new DaemonSessionStore(this.daemon.start());
	}

	@AfterEach
	void stopDaemon() {
		this.daemon.close();
	}

}
