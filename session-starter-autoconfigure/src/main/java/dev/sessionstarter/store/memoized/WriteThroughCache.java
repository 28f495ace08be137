package dev.sessionstarter.store.memoized;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.RemovalListener;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.SessionTooLargeException;
import dev.sessionstarter.store.StoreUsage;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * A cache in front of a delegate store, written through: see {@link MemoizedSessionStore} for
 * the contract. What keeps the cached copies true to the delegate is its
 * {@link CoherenceStrategy}; the handles it keeps on the delegate's sessions are its
 * {@link DelegateHandles}; ids leave the cache through its {@link CachedIds}; changes,
 * deletes and cache fills of one id are serialized by the id's {@link Stripes stripe}.
 */
final class WriteThroughCache implements SessionCache {

	private static final Log logger = LogFactory.getLog(MemoizedSessionStore.class);

	private final SessionStore delegate;

	private final MemorySessionStore cache;

	private final Stripes stripes = new Stripes();

	private final DelegateHandles handles;

	private final CoherenceStrategy coherence;

	private final CacheCounters counters = new CacheCounters();

	private final CachedIds cachedIds;

	private volatile RemovalListener removalListener = RemovalListener.NONE;

	WriteThroughCache(SessionStore delegate, MemorySessionStore cache, Coherence coherence) {
		Assert.notNull(delegate, "'delegate' must not be null");
		Assert.notNull(cache, "'cache' must not be null");
		Assert.notNull(coherence, "'coherence' must not be null");
		this.delegate = delegate;
		this.cache = cache;
		this.handles = new DelegateHandles(delegate, this.stripes);
		this.coherence = CoherenceStrategy.of(coherence, delegate, cache, this.stripes, this.handles);
		this.cachedIds = new CachedIds(cache, this.stripes, this.handles, this.coherence);
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
		ReentrantLock stripe = this.stripes.of(id);
		stripe.lock();
		try {
			SessionRecord record = this.delegate.find(id);
			if (record != null) {
				admit(record);
			}
			else {
				this.cachedIds.invalidate(id);
			}
			return record;
		}
		finally {
			stripe.unlock();
			this.cachedIds.releaseLeft();
		}
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
		String previousId = change.isRename() ? change.previousId() : null;
		this.stripes.lockBoth(change.id(), previousId);
		try {
			SessionRecord saved = this.handles.save(change);
			if (previousId != null) {
				this.cachedIds.invalidate(previousId);
			}
			if (saved == null) {
				this.cachedIds.invalidate(change.id());
				return null;
			}
			admit(saved);
			return saved;
		}
		catch (RuntimeException ex) {
			// the delegate may have applied the change before failing, and holds it if caching
			// failed: no cached copy is trusted
			this.cachedIds.invalidate(change.id());
			if (previousId != null) {
				this.cachedIds.invalidate(previousId);
			}
			throw ex;
		}
		finally {
			this.stripes.unlockBoth(change.id(), previousId);
			this.cachedIds.releaseLeft();
		}
	}

	@Override
	public @Nullable SessionRecord delete(String id) {
		ReentrantLock stripe = this.stripes.of(id);
		stripe.lock();
		try {
			SessionRecord removed = this.delegate.delete(id);
			this.cachedIds.invalidate(id);
			return removed;
		}
		finally {
			stripe.unlock();
			this.cachedIds.releaseLeft();
		}
	}

	@Override
	public boolean deleteIfExpired(String id, Instant now) {
		ReentrantLock stripe = this.stripes.of(id);
		stripe.lock();
		try {
			SessionRecord cached = this.cache.find(id);
			boolean removed = this.delegate.deleteIfExpired(id, now);
			this.cachedIds.invalidate(id);
			if (!removed && cached != null && cached.isExpired(now) && this.delegate.version(id) == null) {
				// the delegate dropped it by itself (a repository that expires its own sessions)
				this.removalListener.removed(cached, RemovalCause.EXPIRED);
				removed = true;
			}
			return removed;
		}
		finally {
			stripe.unlock();
			this.cachedIds.releaseLeft();
		}
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
	 * Release every delegate lock and handle the cache holds, dropping their ids from the cache;
	 * from then on the cache caches nothing more and opens no handle (the sessions are served
	 * from the delegate), so that requests still running while the application stops leave
	 * nothing held. Whatever a thread took under a stripe before is released too.
	 */
	@Override
	public void close() {
		this.handles.stopOpening();
		this.stripes.awaitHolders();
		this.cachedIds.invalidateHeld();
	}

	/**
	 * Cache a record the delegate returned; called holding the id's stripe. When the cache is
	 * closed, or the coherence cannot take what it holds for a cached id, the record is not
	 * cached.
	 */
	private void admit(SessionRecord record) {
		String id = record.id();
		if (this.handles.isClosed() || !this.coherence.admit(id)) {
			this.cachedIds.invalidate(id);
			return;
		}
		this.handles.open(record);
		SessionRecord cached;
		try {
			cached = this.cache.put(record);
		}
		catch (SessionTooLargeException ex) {
			logger.debug("Not caching session " + id + ": " + ex.getMessage());
			this.cachedIds.invalidate(id);
			return;
		}
		this.handles.admitted(cached);
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
