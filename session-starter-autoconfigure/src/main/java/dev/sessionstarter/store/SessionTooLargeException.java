package dev.sessionstarter.store;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a session would be larger than its store accepts. The store keeps the version it
 * had before the save; nothing stored is lost. A web request whose save throws it is answered
 * {@code 413 Content Too Large} when its response is not yet committed.
 */
public class SessionTooLargeException extends IllegalStateException {

	private final long size;

	private final long limit;

	private final @Nullable String property;

	/**
	 * Create an exception for a store's own bound.
	 * @param sessionId the session id
	 * @param size the size the session would have, in bytes
	 * @param limit the most the store accepts for one session, in bytes
	 */
	public SessionTooLargeException(String sessionId, long size, long limit) {
		super("Session " + sessionId + " would take " + size + " bytes, more than the " + limit
				+ " bytes one session may take in this store; it keeps its previous version");
		this.size = size;
		this.limit = limit;
		this.property = null;
	}

	/**
	 * Create an exception for a bound a property sets.
	 * @param sessionId the session id
	 * @param size the size the session would have, in bytes
	 * @param limit the bound, in bytes
	 * @param property the property that sets the bound, such as {@code sessions.max-session-size}
	 */
	public SessionTooLargeException(String sessionId, long size, long limit, String property) {
		super("Session " + sessionId + " would take " + size + " bytes, more than " + property + " ("
				+ limit + " bytes); its changes were not saved and it keeps its previous version");
		this.size = size;
		this.limit = limit;
		this.property = property;
	}

	public long getSize() {
		return this.size;
	}

	public long getLimit() {
		return this.limit;
	}

	/**
	 * Return the property that sets the bound that was crossed.
	 * @return the property name, or {@code null} for a store's own bound
	 */
	public @Nullable String getProperty() {
		return this.property;
	}

}
