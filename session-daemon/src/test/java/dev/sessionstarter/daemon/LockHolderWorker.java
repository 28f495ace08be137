package dev.sessionstarter.daemon;

import java.time.Duration;

import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonSessionLockManager;
import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.lock.SessionLock;

/**
 * A worker process for {@link DaemonLocksIT}: takes a lock in the daemon, prints
 * {@code locked}, and holds it until it is killed (at most a minute). Arguments: the daemon's
 * address and the session id.
 */
public final class LockHolderWorker {

	private LockHolderWorker() {
	}

	public static void main(String[] args) throws Exception {
		DaemonClient client = new DaemonClient(DaemonAddress.parse(args[0]), Duration.ofSeconds(10), 2, 2, null);
		SessionLock lock = new DaemonSessionLockManager(client, Duration.ZERO).tryLock(args[1], Duration.ofSeconds(10));
		if (lock == null) {
			System.exit(3);
		}
		System.out.println("locked");
		System.out.flush();
		Thread.sleep(60_000);
		System.exit(4);
	}

}
