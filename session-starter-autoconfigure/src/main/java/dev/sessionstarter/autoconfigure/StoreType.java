package dev.sessionstarter.autoconfigure;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The session stores {@code sessions.store} can select, each with the configuration class that
 * defines everything about it: its {@code SessionStore} and, in a nested configuration named
 * {@code NativeLockManager}, its native lock manager. Adding a store is its package, its
 * configuration and one constant here (the README's "Adding a store" lists the rest).
 */
public enum StoreType {

	/**
	 * Sessions on the heap, bounded in bytes.
	 */
	MEMORY(MemoryStoreConfiguration.class),

	/**
	 * One file per session in a directory, surviving restarts and shared by the JVMs of a host.
	 */
	FILE(FileStoreConfiguration.class),

	/**
	 * An in-memory cache, bounded in sessions and bytes, in front of another store
	 * ({@code sessions.memoized.delegate}).
	 */
	MEMOIZED(MemoizedStoreConfiguration.class),

	/**
	 * Sessions in a separate session-daemon process on the same host, shared by every
	 * application process that uses it.
	 */
	DAEMON(DaemonStoreConfiguration.class),

	/**
	 * Sessions in the application's Redis ({@code spring.data.redis.*}), shared by every
	 * instance that uses it.
	 */
	REDIS(RedisStoreConfiguration.class),

	/**
	 * No sessions are kept; for tests.
	 */
	NONE(NoneStoreConfiguration.class);

	private final String configurationClass;

	StoreType(Class<?> configurationClass) {
		this.configurationClass = configurationClass.getName();
	}

	/**
	 * Return the name of the configuration class of this store.
	 * @return the class name
	 */
	String configurationClass() {
		return this.configurationClass;
	}

	/**
	 * Return the name of the configuration nested in this store's configuration class that
	 * provides its native lock manager.
	 * @return the class name
	 */
	String nativeLockManagerClass() {
		return this.configurationClass + "$NativeLockManager";
	}

	/**
	 * Return the store a configuration class, or a class nested in it, belongs to.
	 * @param className the name of the class
	 * @return the store, or {@code null} if the class is no store's
	 */
	static @Nullable StoreType ofConfiguration(String className) {
		for (StoreType type : values()) {
			if (className.equals(type.configurationClass) || className.startsWith(type.configurationClass + "$")) {
				return type;
			}
		}
		return null;
	}

	/**
	 * Return this store's name as it is written in configuration.
	 * @return the lower-case name
	 */
	String value() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Return the values as they are written in configuration.
	 * @return the lower-case names, comma separated
	 */
	static String names() {
		StringBuilder names = new StringBuilder();
		for (StoreType type : values()) {
			names.append((names.length() > 0) ? ", " : "").append(type.value());
		}
		return names.toString();
	}

}
