package dev.sessionstarter.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.util.Assert;

import dev.sessionstarter.store.memoized.CacheStatistics;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;

/**
 * Binds the meters of a {@link MemoizedSessionStore}'s cache (see {@link SessionMeterNames}):
 * {@code sessions.cache.gets} by result, and the cache's size, bytes and evictions, all read
 * from {@link MemoizedSessionStore#cacheStatistics()} when scraped.
 */
public class SessionCacheMeterBinder implements MeterBinder {

	private final MemoizedSessionStore store;

	/**
	 * Create a binder.
	 * @param store the memoized store
	 */
	public SessionCacheMeterBinder(MemoizedSessionStore store) {
		Assert.notNull(store, "'store' must not be null");
		this.store = store;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		SnapshotMeters<MemoizedSessionStore, CacheStatistics> meters = new SnapshotMeters<>(registry, this.store,
				MemoizedSessionStore::cacheStatistics);
		Tags tags = Tags.of(SessionMeterNames.TAG_STORE, this.store.type());
		meters.counter(SessionMeterNames.CACHE_GETS, tags.and(SessionMeterNames.TAG_RESULT, "hit"),
				"Session reads served from the cache", CacheStatistics::hits);
		meters.counter(SessionMeterNames.CACHE_GETS, tags.and(SessionMeterNames.TAG_RESULT, "miss"),
				"Session reads that went to the delegate store", CacheStatistics::misses);
		meters.counter(SessionMeterNames.CACHE_EVICTIONS, tags,
				"Sessions dropped from the cache to stay within its bounds (they stay in the delegate)",
				CacheStatistics::evictions);
		meters.gauge(SessionMeterNames.CACHE_SIZE, tags, "sessions", "Sessions held in the cache",
				CacheStatistics::sessions);
		meters.gauge(SessionMeterNames.CACHE_BYTES, tags, "bytes", "Heap bytes the cache retains",
				CacheStatistics::bytes);
	}

}
