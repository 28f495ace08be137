package dev.sessionstarter.autoconfigure;

/**
 * The session stores {@code sessions.store} can select.
 */
public enum StoreType {

	/**
	 * Sessions on the heap, bounded in bytes.
	 */
	MEMORY,

	/**
	 * No sessions are kept; for tests.
	 */
	NONE

}
