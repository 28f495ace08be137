package dev.sessionstarter.store;

/**
 * Told of every session a {@link SessionStore} removes by itself (expiry, eviction), with its
 * {@link RemovalCause}, once, after the removal and outside the store's locks, so a listener may
 * call the store back. Stores that keep their own records report through
 * {@link AbstractSessionStore#removed(SessionRecord, RemovalCause)}. Explicit deletes are not
 * reported here: the caller of {@link SessionStore#delete(String)} gets the removed record back.
 */
@FunctionalInterface
public interface RemovalListener {

	/**
	 * A listener that does nothing.
	 */
	RemovalListener NONE = (record, cause) -> {
	};

	/**
	 * Called once for each removed session.
	 * @param record the session as it was stored
	 * @param cause why it was removed
	 */
	void removed(SessionRecord record, RemovalCause cause);

}
