package dev.sessionstarter.lock;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Grants exclusive locks on session ids, so that the requests of one session run one at a time
 * and never lose each other's updates (the seed's {@code LockManagerInterface}).
 *
 * <p>Implementations are thread-safe. A lock is held by the thread (request) that acquired it
 * until its {@link SessionLock#release()}; it is not re-entrant at this level (the request
 * filter makes one request's nested dispatches share its lock).
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
	 * @param timeout the longest wait
	 * @return the held lock, or {@code null} if it could not be had in time
	 * @throws InterruptedException if the waiting thread is interrupted
	 */
	@Nullable SessionLock tryLock(String sessionId, Duration timeout) throws InterruptedException;

	/**
	 * Return how many locks this manager holds for this process now.
	 * @return the number of held locks
	 */
	int heldLocks();

}
