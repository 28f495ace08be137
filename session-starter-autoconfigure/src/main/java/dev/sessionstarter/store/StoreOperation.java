package dev.sessionstarter.store;

/**
 * The repository operations that are timed, the {@code operation} tag of the
 * {@code sessions.store.operations} timer.
 */
public enum StoreOperation {

	/** Load a session by id. */
	FIND("find"),

	/** Save a session's changes. */
	SAVE("save"),

	/** Delete a session. */
	DELETE("delete"),

	/** Find the sessions of a principal. */
	FIND_BY_PRINCIPAL("find-by-principal"),

	/** Purge expired sessions. */
	PURGE("purge");

	private final String tag;

	StoreOperation(String tag) {
		this.tag = tag;
	}

	/**
	 * Return the tag value.
	 * @return the lower-case tag
	 */
	public String tag() {
		return this.tag;
	}

}
