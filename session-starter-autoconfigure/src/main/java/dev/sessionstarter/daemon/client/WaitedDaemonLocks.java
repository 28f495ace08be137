package dev.sessionstarter.daemon.client;

import java.io.IOException;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.Opcodes;

/**
 * How the daemon lock manager takes a lock another process holds: by waiting for it in the
 * daemon, on a pooled connection of its own that keeps the lock until it is released (a call
 * whose deadline is the rest of the lock timeout plus the client timeout). While it waits the
 * daemon is pinged ({@link DaemonLiveness}), and the wait fails about one client timeout after
 * the daemon stops answering.
 */
final class WaitedDaemonLocks {

	private final DaemonClient client;

	private final long leaseMillis;

	WaitedDaemonLocks(DaemonClient client, long leaseMillis) {
		this.client = client;
		this.leaseMillis = leaseMillis;
	}

	/**
	 * Wait in the daemon for a lock.
	 * @param sessionId the session id
	 * @param waitNanos the longest wait, greater than zero
	 * @param heldLocks the locks shared with the store, which renew it while its request runs, or
	 * {@code null} if none are
	 * @return how to release it, or {@code null} if it was not free within the wait
	 * @throws InterruptedException if interrupted meanwhile
	 * @throws DaemonUnavailableException if the daemon did not answer in time
	 */
	@Nullable Runnable lock(String sessionId, long waitNanos, @Nullable DaemonHeldLocks heldLocks)
			throws InterruptedException {
		long callNanos = this.client.getTimeout().toNanos();
		long now = System.nanoTime();
		long deadline = now + waitNanos + callNanos;
		DaemonConnection connection = this.client.calls().borrow(now + waitNanos, deadline, Opcodes.LOCK);
		Long token = waitInDaemon(connection, sessionId, waitNanos, deadline);
		if (token == null) {
			this.client.calls().release(connection, true);
			return null;
		}
		if (heldLocks == null) {
			return () -> unlock(sessionId, token, connection);
		}
		// its lease started when the daemon granted it, after the wait: renewed from the send, it is renewed early
		HeldDaemonLock renewed = new HeldDaemonLock(sessionId, token, null);
		renewed.renewWith(now, this.leaseMillis);
		heldLocks.addWaited(renewed);
		return () -> {
			heldLocks.removeWaited(renewed);
			unlock(sessionId, token, connection);
		};
	}

	/**
	 * Wait in the daemon, ending the wait early if the daemon stops answering.
	 * @return the token, or {@code null} if the lock was not free within the wait (the
	 * connection is then still borrowed, and healthy)
	 */
	private @Nullable Long waitInDaemon(DaemonConnection connection, String sessionId, long waitNanos, long deadline)
			throws InterruptedException {
		boolean healthy = false;
		DaemonLiveness.Waiter waiter = this.client.liveness().watch(connection);
		try {
			Long token = connection.exchange(DaemonLockCalls.lockRequest(sessionId, waitNanos, this.leaseMillis),
					deadline, DaemonLockCalls.LOCK_ANSWER);
			healthy = !waiter.end();
			if (!healthy) {
				throw this.client.calls().failure(Opcodes.LOCK, connection, new DaemonConnection.DeadlineException(
						new IOException("the daemon stopped answering while the lock was waited for")));
			}
			return token;
		}
		catch (IOException ex) {
			throw this.client.calls().failure(Opcodes.LOCK, connection, ex);
		}
		finally {
			waiter.end();
			if (!healthy) {
				this.client.calls().release(connection, false);
			}
		}
	}

	/**
	 * Release a lock held through a connection of its own. If the daemon cannot be told, the
	 * connection is closed instead, which releases the lock in the daemon all the same.
	 */
	private void unlock(String sessionId, long token, DaemonConnection connection) {
		boolean healthy = false;
		try {
			connection.exchange(DaemonLockCalls.unlockRequest(sessionId, token), DaemonLockCalls.deadline(this.client),
					DaemonLockCalls.unlockAnswer(sessionId));
			healthy = true;
		}
		catch (IOException | RuntimeException ex) {
			DaemonLockCalls.releaseFailed(sessionId, ex);
		}
		finally {
			this.client.calls().release(connection, healthy);
		}
	}

}
