package dev.sessionstarter.lock;

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

}
