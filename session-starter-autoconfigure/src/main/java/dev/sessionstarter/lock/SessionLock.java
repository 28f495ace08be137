package dev.sessionstarter.lock;

import java.util.List;

/**
 * A held exclusive lock on one session id.
 */
public interface SessionLock extends AutoCloseable {

	/**
	 * Return the session id this lock is on.
	 * @return the id
	 */
	String sessionId();

	/**
	 * Release the lock. Releasing twice has no further effect.
	 */
	void release();

	@Override
	default void close() {
		release();
	}

	/**
	 * Release every lock of a list, the last taken first, even when one release fails.
	 * @param locks the locks
	 * @throws RuntimeException the first release failure, with any later ones suppressed
	 */
	static void releaseAll(List<SessionLock> locks) {
		RuntimeException failure = null;
		for (int i = locks.size() - 1; i >= 0; i--) {
			try {
				locks.get(i).release();
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

}
