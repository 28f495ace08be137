package dev.sessionstarter.store.memoized;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.RemovalListener;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionHandle;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionStore;
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
 * <p>While it caches a session saved more than once or found current, the cache keeps the
 * delegate's {@link SessionHandle handle} on it when the delegate offers one (the file store maps
 * the session's file; a session created and never used again costs none): version checks and
 * saves then go through the handle, given the record the cache last admitted, instead of
 * finding the session by id. Every use of a handle is under the id's stripe, and the handle is
 * closed when the id leaves the cache, as its lock is released. When the delegate offers no more
 * handles (the file store maps at most 16,384 files), the handle of a session not used lately is
 * closed for the one asked for, so that sessions read once do not keep handles from those in use.
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

	private final SessionCache sessionCache;

	/**
	 * Create a store that caches a delegate.
	 * @param delegate the store that keeps the sessions
	 * @param cache an empty memory store to cache in; its bounds are the cache's
	 * @param coherence how cached copies are kept current; {@link Coherence#VALIDATE} needs a
	 * delegate that {@link SessionStore#supportsVersionCheck() supports the version check}
	 */
	public MemoizedSessionStore(SessionStore delegate, MemorySessionStore cache, Coherence coherence) {
		this(new WriteThroughCache(delegate, cache, coherence));
	}

	private MemoizedSessionStore(SessionCache sessionCache) {
		this.sessionCache = sessionCache;
	}

	/**
	 * Create a store that is only its cache: sessions live in memory and nowhere else, bounded
	 * by the cache's bounds. For development.
	 * @param cache an empty memory store
	 * @return the store
	 */
	public static MemoizedSessionStore standalone(MemorySessionStore cache) {
		return new MemoizedSessionStore(new StandaloneCache(cache));
	}

	/**
	 * Set the manager of the delegate's locks, which {@link Coherence#EXCLUSIVE} coherence holds
	 * on every cached id so that no other process works on a cached session. Without one, the
	 * exclusive cache locks nothing outside this process.
	 * @param lockManager the delegate's lock manager
	 * @param timeout the longest wait for a lock when caching a session; when it runs out the
	 * session is served from the delegate, uncached
	 * @throws IllegalStateException unless the store caches a delegate in exclusive coherence
	 */
	public void setLockManager(SessionLockManager lockManager, Duration timeout) {
		Assert.notNull(lockManager, "'lockManager' must not be null");
		Assert.isTrue(timeout != null && !timeout.isNegative(), "'timeout' must not be negative");
		this.sessionCache.setLockManager(lockManager, timeout);
	}

	@Override
	public String type() {
		return this.sessionCache.type();
	}

	/**
	 * Return the store the cache fronts.
	 * @return the delegate; {@link NoneSessionStore} when the cache is the store
	 */
	public SessionStore getDelegate() {
		return this.sessionCache.getDelegate();
	}

	/**
	 * Return the coherence mode.
	 * @return the mode
	 */
	public Coherence getCoherence() {
		return this.sessionCache.getCoherence();
	}

	@Override
	public @Nullable SessionRecord find(String id) {
		return this.sessionCache.find(id);
	}

	@Override
	public @Nullable Long version(String id) {
		return this.sessionCache.version(id);
	}

	@Override
	public boolean supportsVersionCheck() {
		return this.sessionCache.supportsVersionCheck();
	}

	@Override
	public boolean decodesOnLoad() {
		return this.sessionCache.decodesOnLoad();
	}

	/**
	 * Apply a change to the delegate, then cache the record it returns.
	 * @param change the change
	 * @return the stored result, or {@code null} if the session is no longer stored
	 * @throws RuntimeException whatever the delegate throws; the cache is then unchanged
	 */
	@Override
	public @Nullable SessionRecord save(SessionChange change) {
		return this.sessionCache.save(change);
	}

	@Override
	public @Nullable SessionRecord delete(String id) {
		return this.sessionCache.delete(id);
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
		return this.sessionCache.deleteIfExpired(id, now);
	}

	@Override
	public Collection<SessionRecord> findByPrincipalName(String principalName) {
		return this.sessionCache.findByPrincipalName(principalName);
	}

	/**
	 * Purge the delegate, and drop expired copies from the cache.
	 * @param now the current time
	 * @return the number of sessions the delegate removed (all the cache removed, standalone)
	 */
	@Override
	public int purgeExpired(Instant now) {
		return this.sessionCache.purgeExpired(now);
	}

	@Override
	public long quarantined() {
		return this.sessionCache.quarantined();
	}

	@Override
	public long fencedSaves() {
		return this.sessionCache.fencedSaves();
	}

	@Override
	public int reduce() {
		return this.sessionCache.reduce();
	}

	/**
	 * Return what the delegate holds (what the cache holds, standalone); see
	 * {@link #cacheStatistics()} for the cache.
	 * @return the usage
	 */
	@Override
	public StoreUsage usage() {
		return this.sessionCache.usage();
	}

	@Override
	public void setRemovalListener(RemovalListener listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.sessionCache.setRemovalListener(listener);
	}

	/**
	 * Return what the cache holds and how it has done.
	 * @return a snapshot
	 */
	public CacheStatistics cacheStatistics() {
		return this.sessionCache.cacheStatistics();
	}

	/**
	 * Release every delegate lock and handle the cache holds, leaving the sessions in the
	 * delegate, and drop the sessions it held them for from the cache. Called when the
	 * application stops: requests still running are served from the delegate, and the cache
	 * caches nothing more and takes no lock or handle from then on.
	 */
	@Override
	public void close() {
		this.sessionCache.close();
	}

}
