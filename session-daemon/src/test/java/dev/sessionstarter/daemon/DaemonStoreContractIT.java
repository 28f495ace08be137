package dev.sessionstarter.daemon;

import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;

import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonSessionStore;
import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.store.SessionRepositoryContractTests;
import dev.sessionstarter.store.SessionStore;

/**
 * The repository contract that every store passes, run against a real daemon process (a fresh
 * one for each test, so each starts empty). The daemon takes its notion of "now" for purges
 * and expiry checks from the client, so the contract's moving clock works across the wire.
 */
class DaemonStoreContractIT extends SessionRepositoryContractTests {

	private DaemonProcess daemon;

	private DaemonClient client;

	@Override
	protected SessionStore createStore(Clock clock) {
		try {
			this.daemon = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		this.client = new DaemonClient(DaemonAddress.parse(String.valueOf(this.daemon.address().port())),
				Duration.ofSeconds(10), 16, 16, null);
		return new DaemonSessionStore(this.client);
	}

	@AfterEach
	void stopDaemon() {
		if (this.client != null) {
			this.client.close();
		}
		if (this.daemon != null) {
			this.daemon.close();
		}
	}

}
