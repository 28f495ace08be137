package dev.sessionstarter.daemon;

import java.time.Duration;
import java.util.List;

import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonSessionLockManager;
import dev.sessionstarter.daemon.client.DaemonSessionStore;
import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;

/**
 * A worker process for {@link DaemonLocksIT}: it does what a request that increments a counter
 * in a session does (lock, load, read, write, save, unlock), a number of times, with sessions and
 * locks in the daemon. Arguments: the daemon's address, the session id, the number of increments.
 */
public final class LockedCounterWorker {

	private LockedCounterWorker() {
	}

	public static void main(String[] args) throws Exception {
		DaemonAddress address = DaemonAddress.parse(args[0]);
		String sessionId = args[1];
		int increments = Integer.parseInt(args[2]);
		try (DaemonClient storeClient = new DaemonClient(address, Duration.ofSeconds(10), 4, 4, null);
				DaemonClient lockClient = new DaemonClient(address, Duration.ofSeconds(10), 4, 4, null)) {
			StoreSessionRepository repository = new StoreSessionRepository(new DaemonSessionStore(storeClient),
					new JavaSessionSerializer(List.of(), null));
			DaemonSessionLockManager locks = new DaemonSessionLockManager(lockClient, Duration.ZERO);
			for (int i = 0; i < increments; i++) {
				SessionLock lock = locks.tryLock(sessionId, Duration.ofSeconds(30));
				if (lock == null) {
					System.err.println("lock timed out");
					System.exit(3);
				}
				try {
					StoredSession session = repository.findById(sessionId);
					Integer count = session.getAttribute("count");
					Thread.yield();
					session.setAttribute("count", count + 1);
					repository.save(session);
				}
				finally {
					lock.release();
				}
			}
		}
	}

}
