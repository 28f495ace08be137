package dev.sessionstarter.store.memoized;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.RemovalListener;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionHandle;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.SessionTooLargeException;
import dev.sessionstarter.store.StoreUsage;
import dev.sessionstarter.store.memory.MemorySessionStore;
import dev.sessionstarter.store.none.NoneSessionStore;

/**
 * A {@link SessionStore} that serves reads from an in-memory cache and writes through to a
 * delegate store. The cache is a {@link MemorySessionStore}, so its byte accounting and its
 * least-recently-used eviction are the memory store's own; a session evicted from the cache
 * stays in the delegate, and such an eviction is counted here only (it is not a session
 * eviction: the repository's listener is not told and no event is published). Eviction order
 * is the memory store's: by the sessions' last access time, so a session reloaded from the
 * delegate ranks by its stored access time until its request saves the new one.
 *
 * <p>Every change goes to the delegate first, before the request ends; only the record the
 * delegate returns is cached. If the delegate fails, the error propagates and the cache drops
 * its copy of the session (the delegate may have applied the change before failing), so nothing
 * is ever held only in the cache and no copy older than the delegate's is trusted. Changes,
 * deletes and cache fills of one id are serialized within this process by in-memory locks (one
 * of a fixed set of stripes), so a copy the cache holds is never older than the last write this
 * process made.
 *
 * <p>While it caches a session that has been saved more than once, the cache keeps the
 * delegate's {@link SessionHandle handle} on it when the delegate offers one (the file store maps
 * the session's file; a session created and never used again costs none): version checks and
 * saves then go through the handle, given the record the cache last admitted, instead of
 * finding the session by id. Every use of a handle is under the id's stripe, and the handle is
 * closed when the id leaves the cache, as its lock is released.
 *
 * <p>How cached copies stay true to the delegate is the {@link Coherence}:
 * {@link Coherence#VALIDATE} asks the delegate for the {@link SessionStore#version(String)
 * version} of a session before each use of its copy; {@link Coherence#EXCLUSIVE} trusts the
 * copy, and with a {@link #setLockManager lock manager} holds the delegate's lock on every id
 * it caches (taken when the session is cached, released when it leaves the cache by eviction,
 * delete, expiry or {@link #close()}); an id whose lock another process holds is served from the
 * delegate and not cached. The locks are released on whichever thread removes the session, so
 * the lock manager must allow that (the memory and file managers do).
 *
 * <p>{@link #standalone(MemorySessionStore)} makes the cache the store itself, for development:
 * nothing is written anywhere else, and an eviction from the cache is a real session eviction.
 */
public final class MemoizedSessionStore implements SessionStore, AutoCloseable {

	private static final Log logger = LogFactory.getLog(MemoizedSessionStore.class);

	private static final int STRIPES = 1024;

	private final SessionStore delegate;

	private final MemorySessionStore cache;

	private final Coherence coherence;

	private final boolean standalone;

	private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

	private final ConcurrentHashMap<String, Held> held = new ConcurrentHashMap<>();

	private final AtomicInteger heldLocks = new AtomicInteger();

	private final Queue<String> leftCache = new ConcurrentLinkedQueue<>();

	private final LongAdder hits = new LongAdder();

	private final LongAdder misses = new LongAdder();

	private final LongAdder evictions = new LongAdder();

	private @Nullable SessionLockManager lockManager;

	private Duration lockTimeout = Duration.ZERO;

	private volatile RemovalListener removalListener = RemovalListener.NONE;

	/**
	 * Create a store that caches a delegate.
	 * @param delegate the store that keeps the sessions
	 * @param cache an empty memory store to cache in; its bounds are the cache's
	 * @param coherence how cached copies are kept current; {@link Coherence#VALIDATE} needs a
	 * delegate that {@link SessionStore#supportsVersionCheck() supports the version check}
	 */
	public MemoizedSessionStore(SessionStore delegate, MemorySessionStore cache, Coherence coherence) {
		this(delegate, cache, coherence, false);
	}

	private MemoizedSessionStore(SessionStore delegate, MemorySessionStore cache, Coherence coherence,
			boolean standalone) {
		Assert.notNull(delegate, "'delegate' must not be null");
		Assert.notNull(cache, "'cache' must not be null");
		Assert.notNull(coherence, "'coherence' must not be null");
		Assert.isTrue(coherence != Coherence.VALIDATE || delegate.supportsVersionCheck(),
				() -> "The " + delegate.type() + " store cannot validate cached copies; use exclusive coherence");
		this.delegate = delegate;
		this.cache = cache;
		this.coherence = coherence;
		this.standalone = standalone;
		for (int i = 0; i < STRIPES; i++) {
			this.stripes[i] = new ReentrantLock();
		}
		cache.setRemovalListener(this::removedFromCache);
		if (!standalone) {
			delegate.setRemovalListener(this::removedFromDelegate);
		}
	}

	/**
	 * Create a store that is only its cache: sessions live in memory and nowhere else, bounded
	 * by the cache's bounds. For development.
	 * @param cache an empty memory store
	 * @return the store
	 */
	public static MemoizedSessionStore standalone(MemorySessionStore cache) {
		return new MemoizedSessionStore(NoneSessionStore.INSTANCE, cache, Coherence.VALIDATE, true);
	}

	/**
	 * Set the manager of the delegate's locks, which {@link Coherence#EXCLUSIVE} coherence holds
	 * on every cached id so that no other process works on a cached session. Without one, the
	 * exclusive cache locks nothing outside this process.
	 * @param lockManager the delegate's lock manager
	 * @param timeout the longest wait for a lock when caching a session; when it runs out the
	 * session is served from the delegate, uncached
	 */
	public void setLockManager(SessionLockManager lockManager, Duration timeout) {
		Assert.notNull(lockManager, "'lockManager' must not be null");
		Assert.isTrue(timeout != null && !timeout.isNegative(), "'timeout' must not be negative");
		Assert.state(this.coherence == Coherence.EXCLUSIVE && !this.standalone,
				"Only exclusive coherence over a delegate holds locks");
		this.lockManager = lockManager;
		this.lockTimeout = timeout;
	}

	@Override
	public String type() {
		return "memoized";
	}

	/**
	 * Return the store the cache fronts.
	 * @return the delegate; {@link NoneSessionStore} when the cache is the store
	 */
	public SessionStore getDelegate() {
		return this.delegate;
	}

	/**
	 * Return the coherence mode.
	 * @return the mode
	 */
	public Coherence getCoherence() {
		return this.coherence;
	}

	@Override
	public @Nullable SessionRecord find(String id) {
		SessionRecord cached = this.cache.find(id);
		if (this.standalone) {
			((cached != null) ? this.hits : this.misses).increment();
			return cached;
		}
		ReentrantLock stripe = stripe(id);
		if (cached != null && (this.coherence == Coherence.EXCLUSIVE || isCurrent(cached, stripe))) {
			this.hits.increment();
			return cached;
		}
		this.misses.increment();
		stripe.lock();
		try {
			SessionRecord record = this.delegate.find(id);
			if (record != null) {
				admit(record);
			}
			else {
				invalidate(id);
			}
			return record;
		}
		finally {
			stripe.unlock();
			releaseRemoved();
		}
	}

	/**
	 * Ask the delegate whether a cached copy is current, through the session's handle when the
	 * cache holds one.
	 */
	private boolean isCurrent(SessionRecord cached, ReentrantLock stripe) {
		String id = cached.id();
		if (!this.held.containsKey(id)) {
			// no handle to keep from being closed meanwhile: no need for the stripe
			return Objects.equals(this.delegate.version(id), cached.version());
		}
		stripe.lock();
		try {
			Held held = this.held.get(id);
			Long version = (held != null && held.handle != null) ? held.handle.version() : this.delegate.version(id);
			return Objects.equals(version, cached.version());
		}
		finally {
			stripe.unlock();
		}
	}

	@Override
	public @Nullable Long version(String id) {
		if (this.standalone || this.coherence == Coherence.EXCLUSIVE) {
			SessionRecord cached = this.cache.find(id);
			if (cached != null || this.standalone) {
				return (cached != null) ? cached.version() : null;
			}
		}
		return this.delegate.version(id);
	}

	@Override
	public boolean supportsVersionCheck() {
		return this.standalone || this.delegate.supportsVersionCheck();
	}

	@Override
	public boolean decodesOnLoad() {
		return !this.standalone && this.delegate.decodesOnLoad();
	}

	/**
	 * Apply a change to the delegate, then cache the record it returns.
	 * @param change the change
	 * @return the stored result, or {@code null} if the session is no longer stored
	 * @throws RuntimeException whatever the delegate throws; the cache is then unchanged
	 */
	@Override
	public @Nullable SessionRecord save(SessionChange change) {
		if (this.standalone) {
			return this.cache.save(change);
		}
		String previousId = change.isRename() ? change.previousId() : null;
		int index = stripeIndex(change.id());
		int previousIndex = (previousId != null) ? stripeIndex(previousId) : index;
		ReentrantLock first = this.stripes[Math.min(index, previousIndex)];
		ReentrantLock second = (index != previousIndex) ? this.stripes[Math.max(index, previousIndex)] : null;
		first.lock();
		if (second != null) {
			second.lock();
		}
		try {
			SessionRecord saved = saveThrough(change);
			if (previousId != null) {
				invalidate(previousId);
			}
			if (saved == null) {
				invalidate(change.id());
				return null;
			}
			admit(saved);
			return saved;
		}
		catch (RuntimeException ex) {
			// the delegate may have applied the change before failing, and holds it if caching
			// failed: no cached copy is trusted
			invalidate(change.id());
			if (previousId != null) {
				invalidate(previousId);
			}
			throw ex;
		}
		finally {
			if (second != null) {
				second.unlock();
			}
			first.unlock();
			releaseRemoved();
		}
	}

	/**
	 * Save a change in the delegate: through the session's handle when there is one, given the
	 * record last admitted, by id otherwise. Called holding the id's stripe.
	 */
	private @Nullable SessionRecord saveThrough(SessionChange change) {
		if (!change.isCreate() && !change.isRename()) {
			Held held = this.held.get(change.id());
			if (held != null && held.handle != null && held.record != null) {
				return held.handle.save(change, held.record);
			}
		}
		return this.delegate.save(change);
	}

	@Override
	public @Nullable SessionRecord delete(String id) {
		if (this.standalone) {
			return this.cache.delete(id);
		}
		ReentrantLock stripe = stripe(id);
		stripe.lock();
		try {
			SessionRecord removed = this.delegate.delete(id);
			invalidate(id);
			return removed;
		}
		finally {
			stripe.unlock();
			releaseRemoved();
		}
	}

	/**
	 * Delete a session from the delegate if it is still expired. When the delegate has already
	 * dropped it by itself (a repository that expires its own sessions), the expiry of the
	 * cached copy is reported instead.
	 * @param id the session id
	 * @param now the current time
	 * @return {@code true} if it was removed
	 */
	@Override
	public boolean deleteIfExpired(String id, Instant now) {
		if (this.standalone) {
			return this.cache.deleteIfExpired(id, now);
		}
		ReentrantLock stripe = stripe(id);
		stripe.lock();
		try {
			SessionRecord cached = this.cache.find(id);
			boolean removed = this.delegate.deleteIfExpired(id, now);
			invalidate(id);
			if (!removed && cached != null && cached.isExpired(now) && this.delegate.version(id) == null) {
				this.removalListener.removed(cached, RemovalCause.EXPIRED);
				removed = true;
			}
			return removed;
		}
		finally {
			stripe.unlock();
			releaseRemoved();
		}
	}

	@Override
	public Collection<SessionRecord> findByPrincipalName(String principalName) {
		return (this.standalone ? this.cache : this.delegate).findByPrincipalName(principalName);
	}

	/**
	 * Purge the delegate, and drop expired copies from the cache.
	 * @param now the current time
	 * @return the number of sessions the delegate removed (all the cache removed, standalone)
	 */
	@Override
	public int purgeExpired(Instant now) {
		if (this.standalone) {
			return this.cache.purgeExpired(now);
		}
		try {
			int removed = this.delegate.purgeExpired(now);
			this.cache.purgeExpired(now);
			return removed;
		}
		finally {
			releaseRemoved();
		}
	}

	@Override
	public long quarantined() {
		return this.delegate.quarantined();
	}

	@Override
	public int reduce() {
		return this.standalone ? this.cache.reduce() : this.delegate.reduce();
	}

	/**
	 * Return what the delegate holds (what the cache holds, standalone); see
	 * {@link #cacheStatistics()} for the cache.
	 * @return the usage
	 */
	@Override
	public StoreUsage usage() {
		return this.standalone ? this.cache.usage() : this.delegate.usage();
	}

	@Override
	public void setRemovalListener(RemovalListener listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.removalListener = listener;
	}

	/**
	 * Return what the cache holds and how it has done.
	 * @return a snapshot
	 */
	public CacheStatistics cacheStatistics() {
		StoreUsage usage = this.cache.usage();
		return new CacheStatistics(this.standalone ? "none" : this.delegate.type(), this.coherence,
				this.hits.sum(), this.misses.sum(), this.evictions.sum(), usage.sessions(), usage.bytes(),
				this.cache.getMaxSessions(), usage.maxBytes(), this.heldLocks.get());
	}

	/**
	 * Release every delegate lock the cache holds, leaving the sessions in the delegate, and
	 * empty the cache. Called when the application stops.
	 */
	@Override
	public void close() {
		for (String id : this.held.keySet()) {
			ReentrantLock stripe = stripe(id);
			stripe.lock();
			try {
				if (!this.standalone) {
					this.cache.delete(id);
				}
				release(id);
			}
			finally {
				stripe.unlock();
			}
		}
	}

	/**
	 * Cache a record the delegate returned; called holding the id's stripe. In exclusive
	 * coherence with a lock manager, the id's lock is taken first if the cache does not hold it
	 * yet; when it cannot be had, the record is not cached.
	 */
	private void admit(SessionRecord record) {
		String id = record.id();
		Held held = this.held.get(id);
		SessionLockManager lockManager = this.lockManager;
		if (lockManager != null && (held == null || held.lock == null)) {
			SessionLock lock = tryLock(lockManager, id);
			if (lock == null) {
				invalidate(id);
				return;
			}
			held = held(id, held);
			held.lock = lock;
			this.heldLocks.incrementAndGet();
		}
		if ((held == null || held.handle == null) && record.version() > 1) {
			// from its second save on: a session created and never used again costs no handle
			SessionHandle handle = this.delegate.open(id);
			if (handle != null) {
				held = held(id, held);
				held.handle = handle;
			}
		}
		SessionRecord cached;
		try {
			cached = this.cache.put(record);
		}
		catch (SessionTooLargeException ex) {
			logger.debug("Not caching session " + id + ": " + ex.getMessage());
			invalidate(id);
			return;
		}
		if (held != null) {
			// the very record the cache hands out, so the repository's mark that it was decoded
			// carries on to the records saved from it
			held.record = cached;
		}
	}

	private Held held(String id, @Nullable Held held) {
		if (held != null) {
			return held;
		}
		Held created = new Held();
		this.held.put(id, created);
		return created;
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

	/**
	 * Drop an id from the cache and release its lock; called holding the id's stripe.
	 */
	private void invalidate(String id) {
		this.cache.delete(id);
		release(id);
	}

	/**
	 * Close the id's handle and release its lock; called holding the id's stripe.
	 */
	private void release(String id) {
		Held held = this.held.remove(id);
		if (held == null) {
			return;
		}
		try {
			if (held.handle != null) {
				held.handle.close();
			}
		}
		finally {
			if (held.lock != null) {
				this.heldLocks.decrementAndGet();
				held.lock.release();
			}
		}
	}

	/**
	 * Told by the cache of every session it removed by itself (eviction, or an expired copy).
	 * Such a removal may happen while this thread holds another id's stripe, so the id's lock and
	 * handle are released later, by {@link #releaseRemoved()}.
	 */
	private void removedFromCache(SessionRecord record, RemovalCause cause) {
		if (cause == RemovalCause.EVICTED) {
			this.evictions.increment();
		}
		if (this.standalone) {
			this.removalListener.removed(record, cause);
		}
		else {
			releaseLater(record.id());
		}
	}

	/**
	 * Told by the delegate of every session it removed by itself: the cached copy goes too, and
	 * the repository hears of it.
	 */
	private void removedFromDelegate(SessionRecord record, RemovalCause cause) {
		this.cache.delete(record.id());
		releaseLater(record.id());
		this.removalListener.removed(record, cause);
	}

	/**
	 * Queue an id that left the cache for {@link #releaseRemoved()}, if the cache holds a lock
	 * or handle for it (a {@code Held} is made before its id is cached, and removed only under
	 * the id's stripe).
	 */
	private void releaseLater(String id) {
		if (this.held.containsKey(id)) {
			this.leftCache.add(id);
		}
	}

	/**
	 * Release the locks and handles of ids that left the cache by themselves, unless they are
	 * back in it.
	 * Called holding no stripe.
	 */
	private void releaseRemoved() {
		String id;
		while ((id = this.leftCache.poll()) != null) {
			ReentrantLock stripe = stripe(id);
			stripe.lock();
			try {
				if (this.cache.find(id) == null) {
					release(id);
				}
			}
			finally {
				stripe.unlock();
			}
		}
	}

	private ReentrantLock stripe(String id) {
		return this.stripes[stripeIndex(id)];
	}

	private static int stripeIndex(String id) {
		int hash = id.hashCode();
		return (hash ^ (hash >>> 16)) & (STRIPES - 1);
	}

	/**
	 * What the cache holds in the delegate for one cached id: its lock (exclusive coherence), its
	 * handle, and the record last admitted, which the delegate held when it was admitted.
	 * Changed only under the id's stripe.
	 */
	private static final class Held {

		@Nullable SessionLock lock;

		@Nullable SessionHandle handle;

		@Nullable SessionRecord record;

	}

}
