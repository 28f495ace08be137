package dev.sessionstarter.store.redis;

/**
 * Thrown when the save of a session whose request lock this process held is refused because
 * the lock is no longer its own: its lease ran out (a long pause, a network stall), and another
 * instance may have taken the lock and saved a newer session since, which the refused save would
 * have overwritten. The stored session is left as it is.
 */
public class FencedSaveException extends RuntimeException {

	private final String sessionId;

	/**
	 * Create an exception.
	 * @param sessionId the id of the session whose save was refused
	 */
	public FencedSaveException(String sessionId) {
		super("Refused to save session " + sessionId + ": its request lock's lease ran out before the save "
				+ "(sessions.redis.lock-lease), and another instance may have changed it since");
		this.sessionId = sessionId;
	}

	/**
	 * Create an exception for another store's fenced save.
	 * @param sessionId the id of the session whose save was refused
	 * @param message why, for the log
	 */
	public FencedSaveException(String sessionId, String message) {
		super(message);
		this.sessionId = sessionId;
	}

	/**
	 * Return the id of the session whose save was refused.
	 * @return the id
	 */
	public String getSessionId() {
		return this.sessionId;
	}

}
