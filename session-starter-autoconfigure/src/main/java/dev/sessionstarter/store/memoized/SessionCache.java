package dev.sessionstarter.store.memoized;

import java.time.Duration;

import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.SessionStore;

/**
 * What a {@link MemoizedSessionStore} is, one class per variant: a cache in front of a delegate
 * ({@link WriteThroughCache}), or a cache that is the store itself ({@link StandaloneCache}).
 */
interface SessionCache extends SessionStore, AutoCloseable {

	@Override
	default String type() {
		return "memoized";
	}

	/**
	 * Return the store the cache fronts.
	 * @return the delegate
	 * @see MemoizedSessionStore#getDelegate()
	 */
	SessionStore getDelegate();

	/**
	 * Return the coherence mode.
	 * @return the mode
	 */
	Coherence getCoherence();

	/**
	 * Set the manager of the delegate's locks; only exclusive coherence over a delegate holds
	 * locks.
	 * @param lockManager the delegate's lock manager
	 * @param timeout the longest wait for a lock when caching a session
	 * @throws IllegalStateException when the cache holds no locks
	 * @see MemoizedSessionStore#setLockManager(SessionLockManager, Duration)
	 */
	default void setLockManager(SessionLockManager lockManager, Duration timeout) {
		throw new IllegalStateException(CoherenceStrategy.HOLDS_NO_LOCKS);
	}

	/**
	 * Return what the cache holds and how it has done.
	 * @return a snapshot
	 */
	CacheStatistics cacheStatistics();

	/**
	 * Release what the cache holds in the delegate; see {@link MemoizedSessionStore#close()}.
	 */
	@Override
	void close();

}
