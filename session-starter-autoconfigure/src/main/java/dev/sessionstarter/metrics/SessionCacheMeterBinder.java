package dev.sessionstarter.metrics;

import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
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
		Tags tags = Tags.of(SessionMeterNames.TAG_STORE, this.store.type());
		counter(registry, SessionMeterNames.CACHE_GETS, tags.and(SessionMeterNames.TAG_RESULT, "hit"),
				"Session reads served from the cache", CacheStatistics::hits);
		counter(registry, SessionMeterNames.CACHE_GETS, tags.and(SessionMeterNames.TAG_RESULT, "miss"),
				"Session reads that went to the delegate store", CacheStatistics::misses);
		counter(registry, SessionMeterNames.CACHE_EVICTIONS, tags,
				"Sessions dropped from the cache to stay within its bounds (they stay in the delegate)",
				CacheStatistics::evictions);
		gauge(registry, SessionMeterNames.CACHE_SIZE, tags, "sessions", "Sessions held in the cache",
				CacheStatistics::sessions);
		gauge(registry, SessionMeterNames.CACHE_BYTES, tags, "bytes", "Heap bytes the cache retains",
				CacheStatistics::bytes);
	}

	private void gauge(MeterRegistry registry, String name, Tags tags, String unit, String description,
			ToDoubleFunction<CacheStatistics> value) {
		Gauge.builder(name, this.store, (store) -> value.applyAsDouble(store.cacheStatistics()))
			.tags(tags)
			.baseUnit(unit)
			.description(description)
			.register(registry);
	}

	private void counter(MeterRegistry registry, String name, Tags tags, String description,
			ToDoubleFunction<CacheStatistics> value) {
		FunctionCounter.builder(name, this.store, (store) -> value.applyAsDouble(store.cacheStatistics()))
			.tags(tags)
			.description(description)
			.register(registry);
	}

}
