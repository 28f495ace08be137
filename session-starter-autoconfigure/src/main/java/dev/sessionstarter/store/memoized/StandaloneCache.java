package dev.sessionstarter.store.memoized;

import java.time.Instant;
import java.util.Collection;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.RemovalListener;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreUsage;
import dev.sessionstarter.store.memory.MemorySessionStore;
import dev.sessionstarter.store.none.NoneSessionStore;

/**
 * A cache that is the store itself: sessions live in its memory store and nowhere else, so a
 * removal from the cache (an eviction, an expired copy) is a real session removal, told to
 * the repository's listener. It counts its hits, misses and evictions as every cache does, and
 * reports {@code none} as its delegate.
 */
final class StandaloneCache implements SessionCache {

	private final MemorySessionStore cache;

	private final CacheCounters counters = new CacheCounters();

	private volatile RemovalListener removalListener = RemovalListener.NONE;

	StandaloneCache(MemorySessionStore cache) {
		Assert.notNull(cache, "'cache' must not be null");
		this.cache = cache;
		cache.setRemovalListener(this::removed);
	}

	private void removed(SessionRecord record, RemovalCause cause) {
		this.counters.removed(cause);
		this.removalListener.removed(record, cause);
	}

	@Override
	public SessionStore getDelegate() {
		return NoneSessionStore.INSTANCE;
	}

	@Override
	public Coherence getCoherence() {
		return Coherence.VALIDATE;
	}

	@Override
	public @Nullable SessionRecord find(String id) {
		SessionRecord cached = this.cache.find(id);
		if (cached != null) {
			this.counters.hit();
		}
		else {
			this.counters.miss();
		}
		return cached;
	}

	@Override
	public @Nullable Long version(String id) {
		SessionRecord cached = this.cache.find(id);
		return (cached != null) ? cached.version() : null;
	}

	@Override
	public @Nullable SessionRecord save(SessionChange change) {
		return this.cache.save(change);
	}

	@Override
	public @Nullable SessionRecord delete(String id) {
		return this.cache.delete(id);
	}

	@Override
	public boolean deleteIfExpired(String id, Instant now) {
		return this.cache.deleteIfExpired(id, now);
	}

	@Override
	public Collection<SessionRecord> findByPrincipalName(String principalName) {
		return this.cache.findByPrincipalName(principalName);
	}

	@Override
	public int purgeExpired(Instant now) {
		return this.cache.purgeExpired(now);
	}

	@Override
	public int reduce() {
		return this.cache.reduce();
	}

	@Override
	public StoreUsage usage() {
		return this.cache.usage();
	}

	@Override
	public void setRemovalListener(RemovalListener listener) {
		this.removalListener = listener;
	}

	@Override
	public CacheStatistics cacheStatistics() {
		return this.counters.snapshot(getDelegate().type(), getCoherence(), this.cache, 0);
	}

	/**
	 * Hold on to the sessions: nothing is held anywhere else to release.
	 */
	@Override
	public void close() {
	}

}
