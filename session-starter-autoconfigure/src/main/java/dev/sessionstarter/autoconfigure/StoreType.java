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
	 * One file per session in a directory, surviving restarts and shared by the JVMs of a host.
	 */
	FILE,

	/**
	 * No sessions are kept; for tests.
	 */
	NONE

}
