package dev.sessionstarter.store.memoized;

import java.util.concurrent.atomic.LongAdder;

import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.StoreUsage;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * How a cache has done since start (reads served, reads missed, evictions), and the
 * {@link CacheStatistics} made from them.
 */
final class CacheCounters {

	private final LongAdder hits = new LongAdder();

	private final LongAdder misses = new LongAdder();

	private final LongAdder evictions = new LongAdder();

	/**
	 * Count a read served from the cache.
	 */
	void hit() {
		this.hits.increment();
	}

	/**
	 * Count a read the cache could not serve.
	 */
	void miss() {
		this.misses.increment();
	}

	/**
	 * Count a session the cache removed by itself, when it was evicted.
	 * @param cause why the cache removed it
	 */
	void removed(RemovalCause cause) {
		if (cause == RemovalCause.EVICTED) {
			this.evictions.increment();
		}
	}

	/**
	 * Return a snapshot of a cache.
	 * @param delegate the type of the store the cache fronts
	 * @param coherence how cached copies are kept current
	 * @param cache the cache
	 * @param heldLocks the delegate locks the cache holds now
	 * @return the snapshot
	 */
	CacheStatistics snapshot(String delegate, Coherence coherence, MemorySessionStore cache, int heldLocks) {
		StoreUsage usage = cache.usage();
		return new CacheStatistics(delegate, coherence, this.hits.sum(), this.misses.sum(), this.evictions.sum(),
				usage.sessions(), usage.bytes(), cache.getMaxSessions(), usage.maxBytes(), heldLocks);
	}

}
