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
	 * An in-memory cache, bounded in sessions and bytes, in front of another store
	 * ({@code sessions.memoized.delegate}).
	 */
	MEMOIZED,

	/**
	 * Sessions in a separate session-daemon process on the same host, shared by every
	 * application process that uses it.
	 */
	DAEMON,

	/**
	 * No sessions are kept; for tests.
	 */
	NONE;

	/**
	 * Return the values as they are written in configuration.
	 * @return the lower-case names, comma separated
	 */
	static String names() {
		StringBuilder names = new StringBuilder();
		for (StoreType type : values()) {
			names.append((names.length() > 0) ? ", " : "").append(type.name().toLowerCase(java.util.Locale.ROOT));
		}
		return names.toString();
	}

}
