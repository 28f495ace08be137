package dev.sessionstarter.autoconfigure;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The lock managers {@code sessions.lock.manager} can select, each with the configuration class
 * that defines it for use with any store. A store's configuration provides its native lock
 * manager itself, usually by extending one of these configurations.
 */
public enum LockManagerType {

	/**
	 * The lock manager of the selected store, which its configuration provides: {@code memory}
	 * for the memory store, {@code file} for the file store, {@code daemon} for the daemon
	 * store, {@code redis} for the redis store, {@code none} for the none store; for the
	 * memoized store in validate coherence in front of one of the stores, that store's (several
	 * processes may share the sessions), else {@code memory}.
	 */
	NATIVE(null),

	/**
	 * Locks in this process; serializes the requests of a session within one JVM.
	 */
	MEMORY(MemoryLockManagerConfiguration.class),

	/**
	 * OS file locks in {@code sessions.file.dir}; serializes the requests of a session across
	 * every JVM on the host that shares the directory.
	 */
	FILE(FileLockManagerConfiguration.class),

	/**
	 * Locks held by the session daemon ({@code sessions.daemon.*}); serializes the requests of
	 * a session across every process that uses the daemon.
	 */
	DAEMON(DaemonLockManagerConfiguration.class),

	/**
	 * Locks in Redis ({@code sessions.redis.*}) with a renewed lease; serializes the requests of
	 * a session across every instance that shares the Redis and namespace.
	 */
	REDIS(RedisLockManagerConfiguration.class),

	/**
	 * No locking: parallel requests of a session may overwrite each other's changes.
	 */
	NONE(NoneLockManagerConfiguration.class);

	private final @Nullable String configurationClass;

	LockManagerType(@Nullable Class<?> configurationClass) {
		this.configurationClass = (configurationClass != null) ? configurationClass.getName() : null;
	}

	/**
	 * Return the name of the configuration class of this lock manager.
	 * @return the class name, or {@code null} for {@link #NATIVE}, which stands for another
	 */
	@Nullable String configurationClass() {
		return this.configurationClass;
	}

	/**
	 * Return the lock manager a configuration class defines.
	 * @param className the name of the class
	 * @return the lock manager, or {@code null} if the class defines none
	 */
	static @Nullable LockManagerType ofConfiguration(String className) {
		for (LockManagerType type : values()) {
			if (className.equals(type.configurationClass)) {
				return type;
			}
		}
		return null;
	}

	/**
	 * Return this lock manager as it is written in configuration.
	 * @return the lower-case name
	 */
	String value() {
		return name().toLowerCase(Locale.ROOT);
	}

}
