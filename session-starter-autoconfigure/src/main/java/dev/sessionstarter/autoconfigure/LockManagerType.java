package dev.sessionstarter.autoconfigure;

import dev.sessionstarter.store.memoized.Coherence;

/**
 * The lock managers {@code sessions.lock.manager} can select.
 */
public enum LockManagerType {

	/**
	 * The lock manager of the selected store: {@code file} for the file store, {@code daemon}
	 * for the daemon store, {@code none} for the none store, {@code memory} for the memory store
	 * and stores without one of their own; for the memoized store, {@code file} over the file
	 * delegate and {@code daemon} over the daemon delegate in validate coherence (several
	 * processes may share the sessions), else {@code memory}.
	 */
	NATIVE,

	/**
	 * Locks in this process; serializes the requests of a session within one JVM.
	 */
	MEMORY,

	/**
	 * OS file locks in {@code sessions.file.dir}; serializes the requests of a session across
	 * every JVM on the host that shares the directory.
	 */
	FILE,

	/**
	 * Locks held by the session daemon ({@code sessions.daemon.*}); serializes the requests of
	 * a session across every process that uses the daemon.
	 */
	DAEMON,

	/**
	 * No locking: parallel requests of a session may overwrite each other's changes.
	 */
	NONE;

	/**
	 * Return the native lock manager of the memoized store. In exclusive coherence the cache
	 * holds the delegate's locks itself, so requests are serialized in memory.
	 * @param delegate the store the cache fronts
	 * @param coherence the coherence mode
	 * @return {@link #FILE} over the file delegate and {@link #DAEMON} over the daemon delegate
	 * in validate coherence, else {@link #MEMORY}
	 */
	static LockManagerType nativeOfMemoized(MemoizedDelegate delegate, Coherence coherence) {
		if (coherence != Coherence.VALIDATE) {
			return MEMORY;
		}
		return switch (delegate) {
			case FILE -> FILE;
			case DAEMON -> DAEMON;
			default -> MEMORY;
		};
	}

	/**
	 * Return the lock manager this type stands for with a store.
	 * @param store the selected store
	 * @return this type, or the store's own lock manager if this is {@link #NATIVE}
	 */
	LockManagerType resolve(StoreType store) {
		if (this != NATIVE) {
			return this;
		}
		return switch (store) {
			case NONE -> NONE;
			case FILE -> FILE;
			case DAEMON -> DAEMON;
			default -> MEMORY;
		};
	}

}
