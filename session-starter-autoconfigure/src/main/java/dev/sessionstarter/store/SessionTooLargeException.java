package dev.sessionstarter.store;

/**
 * Thrown when a session would be larger than its store accepts. The store keeps the version it
 * had before the save; nothing stored is lost.
 */
public class SessionTooLargeException extends IllegalStateException {

	private final long size;

	private final long limit;

	/**
	 * Create an exception.
	 * @param sessionId the session id
	 * @param size the size the session would have, in bytes
	 * @param limit the most the store accepts for one session, in bytes
	 */
	public SessionTooLargeException(String sessionId, long size, long limit) {
		super("Session " + sessionId + " would take " + size + " bytes, more than the " + limit
				+ " bytes one session may take in this store; it keeps its previous version");
		this.size = size;
		this.limit = limit;
	}

	public long getSize() {
		return this.size;
	}

	public long getLimit() {
		return this.limit;
	}

}
