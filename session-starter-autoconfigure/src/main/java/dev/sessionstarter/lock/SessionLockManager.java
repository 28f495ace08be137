package dev.sessionstarter.lock;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Grants exclusive locks on session ids, so that the requests of one session run one at a time
 * and never lose each other's updates (the seed's {@code LockManagerInterface}).
 *
 * <p>Implementations are thread-safe. A lock is held by the request that acquired it until its
 * {@link SessionLock#release()}, which may be called from another thread than the one that
 * acquired it (an asynchronous request releases its lock on a container thread when it
 * completes); implementations must not tie a lock to its acquiring thread. A lock is not
 * re-entrant at this level: {@link SessionLockFilter} makes the nested dispatches of one request
 * share its lock. Waiters should be served in arrival order, so that no request of a busy
 * session waits out its timeout while later ones pass it.
 */
public interface SessionLockManager {

	/**
	 * Return the manager type, used as the {@code manager} tag of meters and in the endpoint.
	 * @return a short lower-case name such as {@code memory}
	 */
	String type();

	/**
	 * Acquire the exclusive lock on a session id, waiting at most {@code timeout}.
	 * @param sessionId a valid session id
	 * @param timeout the longest wait (see {@link #timeoutNanos(Duration)})
	 * @return the held lock, or {@code null} if it could not be had in time
	 * @throws InterruptedException if the waiting thread is interrupted
	 */
	@Nullable SessionLock tryLock(String sessionId, Duration timeout) throws InterruptedException;

	/**
	 * Return a lock timeout in nanoseconds, as {@link #tryLock} reads it: a negative timeout
	 * is no wait, and one longer than a {@code long} of nanoseconds holds is
	 * {@link Long#MAX_VALUE} (some 292 years, a wait without limit).
	 * @param timeout the timeout
	 * @return the timeout in nanoseconds, zero or more
	 */
	static long timeoutNanos(Duration timeout) {
		if (timeout.isNegative()) {
			return 0;
		}
		try {
			return timeout.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

	/**
	 * Return how many locks this manager holds for this process now.
	 * @return the number of held locks
	 */
	int heldLocks();

	/**
	 * Whether {@link #tryLock} with a zero timeout and {@link SessionLock#release()} return
	 * without blocking their thread (no I/O), so that a reactive application may try a lock on
	 * its event loop before it waits for it on a bounded scheduler.
	 * @return {@code true} if they never block; {@code false} unless overridden
	 */
	default boolean isNonBlocking() {
		return false;
	}

}
