package dev.sessionstarter.store.memoized;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.RemovalListener;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreUsage;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * A cache in front of a delegate store, written through: see {@link MemoizedSessionStore} for
 * the contract. What keeps the cached copies true to the delegate is its
 * {@link CoherenceStrategy}; the handles it keeps on the delegate's sessions are its
 * {@link DelegateHandles}; ids leave the cache through its {@link CachedIds}; changes,
 * deletes and cache fills of one id, serialized by the id's {@link Stripes stripe}, are its
 * {@link CacheWrites}.
 */
final class WriteThroughCache implements SessionCache {

	private final SessionStore delegate;

	private final MemorySessionStore cache;

	private final DelegateHandles handles;

	private final CoherenceStrategy coherence;

	private final CacheCounters counters = new CacheCounters();

	private final CachedIds cachedIds;

	private final CacheWrites writes;

	private volatile RemovalListener removalListener = RemovalListener.NONE;

	WriteThroughCache(SessionStore delegate, MemorySessionStore cache, Coherence coherence) {
		Assert.notNull(delegate, "'delegate' must not be null");
		Assert.notNull(cache, "'cache' must not be null");
		Assert.notNull(coherence, "'coherence' must not be null");
		this.delegate = delegate;
		this.cache = cache;
		Stripes stripes = new Stripes();
		this.handles = new DelegateHandles(delegate, stripes);
		this.coherence = CoherenceStrategy.of(coherence, delegate, cache, stripes, this.handles);
		this.cachedIds = new CachedIds(cache, stripes, this.handles, this.coherence);
		this.writes = new CacheWrites(delegate, cache, stripes, this.handles, this.coherence, this.cachedIds);
		cache.setRemovalListener(this::removedFromCache);
		delegate.setRemovalListener(this::removedFromDelegate);
	}

	@Override
	public void setLockManager(SessionLockManager lockManager, Duration timeout) {
		this.coherence.setLockManager(lockManager, timeout);
	}

	@Override
	public SessionStore getDelegate() {
		return this.delegate;
	}

	@Override
	public Coherence getCoherence() {
		return this.coherence.coherence();
	}

	@Override
	public @Nullable SessionRecord find(String id) {
		SessionRecord cached = this.cache.find(id);
		if (cached != null && this.coherence.isCurrent(cached)) {
			this.counters.hit();
			return cached;
		}
		this.counters.miss();
		return this.writes.fill(id);
	}

	@Override
	public @Nullable Long version(String id) {
		return this.coherence.version(id);
	}

	@Override
	public boolean supportsVersionCheck() {
		return this.delegate.supportsVersionCheck();
	}

	@Override
	public boolean decodesOnLoad() {
		return this.delegate.decodesOnLoad();
	}

	@Override
	public @Nullable SessionRecord save(SessionChange change) {
		return this.writes.save(change);
	}

	@Override
	public @Nullable SessionRecord delete(String id) {
		return this.writes.delete(id);
	}

	@Override
	public boolean deleteIfExpired(String id, Instant now) {
		return this.writes.deleteIfExpired(id, now, this.removalListener);
	}

	@Override
	public Collection<SessionRecord> findByPrincipalName(String principalName) {
		return this.delegate.findByPrincipalName(principalName);
	}

	@Override
	public int purgeExpired(Instant now) {
		try {
			int removed = this.delegate.purgeExpired(now);
			this.cache.purgeExpired(now);
			return removed;
		}
		finally {
			this.cachedIds.releaseLeft();
		}
	}

	@Override
	public long quarantined() {
		return this.delegate.quarantined();
	}

	@Override
	public long fencedSaves() {
		return this.delegate.fencedSaves();
	}

	/**
	 * Reduce the delegate; what the cache holds for the sessions the delegate evicted (told by
	 * {@link #removedFromDelegate}) is released before this returns.
	 */
	@Override
	public int reduce() {
		try {
			return this.delegate.reduce();
		}
		finally {
			this.cachedIds.releaseLeft();
		}
	}

	@Override
	public StoreUsage usage() {
		return this.delegate.usage();
	}

	@Override
	public void setRemovalListener(RemovalListener listener) {
		this.removalListener = listener;
	}

	@Override
	public CacheStatistics cacheStatistics() {
		return this.counters.snapshot(this.delegate.type(), getCoherence(), this.cache, this.coherence.heldLocks());
	}

	/**
	 * Release every delegate lock and handle the cache holds: {@link CachedIds#close()}.
	 */
	@Override
	public void close() {
		this.cachedIds.close();
	}

	/**
	 * Told by the cache of every session it removed by itself (eviction, or an expired copy).
	 * Such a removal may happen while this thread holds another id's stripe, so what is held
	 * for the id is released later (see {@link CachedIds#left(String)}).
	 */
	private void removedFromCache(SessionRecord record, RemovalCause cause) {
		this.counters.removed(cause);
		this.cachedIds.left(record.id());
	}

	/**
	 * Told by the delegate of every session it removed by itself: the cached copy goes too, and
	 * the repository hears of it.
	 */
	private void removedFromDelegate(SessionRecord record, RemovalCause cause) {
		this.cache.delete(record.id());
		this.cachedIds.left(record.id());
		this.removalListener.removed(record, cause);
	}

}
