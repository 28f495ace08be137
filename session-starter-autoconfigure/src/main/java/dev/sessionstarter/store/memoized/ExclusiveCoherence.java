package dev.sessionstarter.store.memoized;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * {@link Coherence#EXCLUSIVE}: cached copies are trusted, and with a
 * {@link #setLockManager lock manager} the delegate's lock on every cached id is held, taken
 * when the session is cached and released when it leaves the cache; an id whose lock another
 * process holds is served from the delegate and not cached. A lock is released on whichever
 * thread removes its session, so the lock manager must allow that.
 */
final class ExclusiveCoherence implements CoherenceStrategy {

	private static final Log logger = LogFactory.getLog(MemoizedSessionStore.class);

	private final SessionStore delegate;

	private final MemorySessionStore cache;

	private final ConcurrentHashMap<String, SessionLock> locks = new ConcurrentHashMap<>();

	private @Nullable SessionLockManager lockManager;

	private Duration lockTimeout = Duration.ZERO;

	ExclusiveCoherence(SessionStore delegate, MemorySessionStore cache) {
		this.delegate = delegate;
		this.cache = cache;
	}

	@Override
	public void setLockManager(SessionLockManager lockManager, Duration timeout) {
		this.lockManager = lockManager;
		this.lockTimeout = timeout;
	}

	@Override
	public Coherence coherence() {
		return Coherence.EXCLUSIVE;
	}

	@Override
	public boolean isCurrent(SessionRecord cached) {
		return true;
	}

	@Override
	public @Nullable Long version(String id) {
		SessionRecord cached = this.cache.find(id);
		if (cached != null) {
			return cached.version();
		}
		return this.delegate.version(id);
	}

	/**
	 * Take the id's lock, when there is a lock manager and the lock is not held yet.
	 */
	@Override
	public boolean admit(String id) {
		SessionLockManager lockManager = this.lockManager;
		if (lockManager == null || this.locks.containsKey(id)) {
			return true;
		}
		SessionLock lock = tryLock(lockManager, id);
		if (lock == null) {
			return false;
		}
		this.locks.put(id, lock);
		return true;
	}

	private @Nullable SessionLock tryLock(SessionLockManager lockManager, String id) {
		try {
			SessionLock lock = lockManager.tryLock(id, this.lockTimeout);
			if (lock == null) {
				logger.debug("Not caching session " + id + ": another process holds its lock");
			}
			return lock;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	@Override
	public void release(String id) {
		SessionLock lock = this.locks.remove(id);
		if (lock != null) {
			lock.release();
		}
	}

	@Override
	public boolean holds(String id) {
		return this.locks.containsKey(id);
	}

	@Override
	public Collection<String> heldIds() {
		return this.locks.keySet();
	}

	@Override
	public int heldLocks() {
		return this.locks.size();
	}

}
