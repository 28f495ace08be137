package dev.sessionstarter.autoconfigure;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * What a {@code memoized} cache can front ({@code sessions.memoized.delegate}): one of the
 * stores, configured as when it is the store itself, or the application's own repository, or
 * nothing.
 */
public enum MemoizedDelegate {

	/**
	 * The file store ({@code sessions.file.*}); the default.
	 */
	FILE(StoreType.FILE, true),

	/**
	 * The session daemon ({@code sessions.daemon.*}); validate coherence only, since exclusive
	 * coherence would hold a daemon lock, and so a connection, for every cached session.
	 */
	DAEMON(StoreType.DAEMON, true),

	/**
	 * The Redis store ({@code sessions.redis.*}).
	 */
	REDIS(StoreType.REDIS, true),

	/**
	 * None: the cache is the store, and sessions live only in this process's memory. For
	 * development.
	 */
	NONE(null, true),

	/**
	 * The application's own Spring Session {@code SessionRepository} bean (Redis, JDBC, ...);
	 * needs exclusive coherence.
	 */
	REPOSITORY(null, false);

	private final @Nullable StoreType store;

	private final boolean validates;

	MemoizedDelegate(@Nullable StoreType store, boolean validates) {
		this.store = store;
		this.validates = validates;
	}

	/**
	 * Return the store this delegate is, configured by its own configuration class.
	 * @return the store, or {@code null} for a delegate that is not one of the stores
	 */
	@Nullable StoreType store() {
		return this.store;
	}

	/**
	 * Return the delegates that support validate coherence, as written in configuration.
	 * @return the lower-case names, comma separated
	 */
	static String validating() {
		StringBuilder names = new StringBuilder();
		for (MemoizedDelegate delegate : values()) {
			if (delegate.validates) {
				names.append((names.length() > 0) ? ", " : "").append(delegate.value());
			}
		}
		return names.toString();
	}

	/**
	 * Return this delegate as it is written in configuration.
	 * @return the lower-case name
	 */
	String value() {
		return name().toLowerCase(Locale.ROOT);
	}

}
