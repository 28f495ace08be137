package dev.sessionstarter.daemon;

import java.time.Clock;

import org.junit.jupiter.api.AfterEach;

import dev.sessionstarter.daemon.client.DaemonSessionStore;
import dev.sessionstarter.reactive.ReactiveSessionRepositoryContractTests;
import dev.sessionstarter.store.SessionStore;

/**
 * The reactive repository contract against a real daemon process (a fresh one for each test):
 * every call of the daemon store runs on the session scheduler, never on the calling
 * non-blocking thread.
 */
class DaemonStoreReactiveContractIT extends ReactiveSessionRepositoryContractTests {

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
