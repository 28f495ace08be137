package dev.sessionstarter.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.ServletException;

import dev.sessionstarter.store.SessionIds;

/**
 * Takes the session locks of a {@link SessionLockFilter}'s request from its
 * {@link SessionLockManager} within the filter's timeout, counting each wait in
 * {@link LockStatistics}, and hands those it got to the request's {@link RequestLocks}.
 */
final class RequestLockAcquirer {

	private final SessionLockManager manager;

	private final LockStatistics statistics;

	private final boolean nonBlocking;

	private Duration timeout = Duration.ofSeconds(5);

	private long timeoutNanos = this.timeout.toNanos();

	RequestLockAcquirer(SessionLockManager manager, LockStatistics statistics) {
		this.manager = manager;
		this.statistics = statistics;
		this.nonBlocking = manager.isNonBlocking();
	}

	void setTimeout(Duration timeout) {
		this.timeout = timeout;
		this.timeoutNanos = SessionLockManager.timeoutNanos(timeout);
	}

	Duration timeout() {
		return this.timeout;
	}

	/**
	 * Lock the one id a request names, the usual case, unless it is not valid. A lock that a
	 * manager which never blocks hands over at once is recorded as a wait of zero without the
	 * clock being read; only a wait is timed.
	 * @return {@code false} if the wait timed out; {@code true} if the lock is held, or there was
	 * nothing to lock
	 */
	boolean acquire(String sessionId, RequestLocks state) throws ServletException {
		if (!SessionIds.isValid(sessionId)) {
			return true;
		}
		SessionLock lock = null;
		long waited = 0;
		try {
			if (this.nonBlocking) {
				lock = this.manager.tryLock(sessionId, Duration.ZERO);
			}
			if (lock == null) {
				long start = System.nanoTime();
				lock = this.manager.tryLock(sessionId, this.timeout);
				waited = System.nanoTime() - start;
			}
		}
		catch (InterruptedException ex) {
			throw interrupted(ex);
		}
		this.statistics.recordWait(waited, lock != null);
		if (lock == null) {
			return false;
		}
		state.hold(lock);
		return true;
	}

	/**
	 * Lock the valid ids of a request that names several ({@link LockableSessionIds}), in their
	 * order, within the one timeout.
	 * @return {@code false} if the wait timed out (none is held then); {@code true} if they are
	 * held, or there was nothing to lock
	 */
	boolean acquire(List<String> requested, RequestLocks state) throws ServletException {
		List<String> sessionIds = LockableSessionIds.of(requested);
		if (sessionIds.isEmpty()) {
			return true;
		}
		long start = System.nanoTime();
		long timeoutNanos = this.timeoutNanos;
		List<SessionLock> locks = new ArrayList<>(sessionIds.size());
		try {
			for (String sessionId : sessionIds) {
				long remaining = Math.max(0, timeoutNanos - (System.nanoTime() - start));
				SessionLock lock = this.manager.tryLock(sessionId, Duration.ofNanos(remaining));
				if (lock == null) {
					SessionLock.releaseAll(locks);
					this.statistics.recordWait(System.nanoTime() - start, false);
					return false;
				}
				locks.add(lock);
			}
		}
		catch (InterruptedException ex) {
			SessionLock.releaseAll(locks);
			throw interrupted(ex);
		}
		catch (RuntimeException | Error ex) {
			SessionLock.releaseAll(locks);
			throw ex;
		}
		this.statistics.recordWait(System.nanoTime() - start, true);
		state.hold(locks);
		return true;
	}

	private static ServletException interrupted(InterruptedException ex) {
		Thread.currentThread().interrupt();
		return new ServletException("Interrupted while waiting for the lock of a session", ex);
	}

}
