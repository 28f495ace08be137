package dev.sessionstarter.autoconfigure;

import java.util.Locale;

/**
 * The stores a {@code memoized} cache can front ({@code sessions.memoized.delegate}).
 */
public enum MemoizedDelegate {

	/**
	 * The file store ({@code sessions.file.*}); the default.
	 */
	FILE(true),

	/**
	 * The session daemon ({@code sessions.daemon.*}); validate coherence only, since exclusive
	 * coherence would hold a daemon lock, and so a connection, for every cached session.
	 */
	DAEMON(true),

	/**
	 * None: the cache is the store, and sessions live only in this process's memory. For
	 * development.
	 */
	NONE(true),

	/**
	 * The application's own Spring Session {@code SessionRepository} bean (Redis, JDBC, ...);
	 * needs exclusive coherence.
	 */
	REPOSITORY(false);

	private final boolean validates;

	MemoizedDelegate(boolean validates) {
		this.validates = validates;
	}

	/**
	 * Whether a cache in front of this delegate can use validate coherence.
	 * @return {@code true} if the delegate answers the version check
	 */
	boolean validates() {
		return this.validates;
	}

	/**
	 * Return the delegates that support validate coherence, as written in configuration.
	 * @return the lower-case names, comma separated
	 */
	static String validating() {
		StringBuilder names = new StringBuilder();
		for (MemoizedDelegate delegate : values()) {
			if (delegate.validates) {
				names.append((names.length() > 0) ? ", " : "").append(delegate.name().toLowerCase(Locale.ROOT));
			}
		}
		return names.toString();
	}

}
