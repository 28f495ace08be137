package dev.sessionstarter.daemon;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonSessionLockManager;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.lock.SessionLockManagerContractTests;

/**
 * The lock manager contract on {@link DaemonSessionLockManager} with a real daemon in
 * {@code --lock} mode, one for the class (every test releases what it takes), counting the
 * locks the daemon holds.
 */
class DaemonSessionLockManagerContractIT extends SessionLockManagerContractTests {

	private static final TestDaemon daemon = new TestDaemon();

	private static DaemonClient client;

	@BeforeAll
	static void startDaemon() {
		client = daemon.start("--lock");
	}

	@AfterAll
	static void stopDaemon() {
		daemon.close();
	}

	@Override
	protected SessionLockManager createManager() {
		return new DaemonSessionLockManager(client, Duration.ZERO);
	}

	@Override
	protected long retained() {
		return client.stats().locks();
	}

}
