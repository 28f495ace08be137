package dev.sessionstarter.store.memoized;

/**
 * A snapshot of a {@link MemoizedSessionStore}'s cache, read by its meters and by the
 * {@code sessionstore} endpoint.
 *
 * @param delegate the type of the store the cache fronts ({@code none} when the cache is the store)
 * @param coherence how cached copies are kept current
 * @param hits reads served from the cache since start
 * @param misses reads that went to the delegate since start (absent, or not current)
 * @param evictions sessions dropped from the cache to stay within its bounds since start
 * @param sessions sessions cached now
 * @param bytes heap bytes the cached sessions retain now
 * @param maxSessions the most sessions the cache holds
 * @param maxBytes the most heap bytes the cache retains
 * @param heldLocks the delegate locks the cache holds now ({@link Coherence#EXCLUSIVE} only)
 */
public record CacheStatistics(String delegate, Coherence coherence, long hits, long misses, long evictions,
		long sessions, long bytes, long maxSessions, long maxBytes, int heldLocks) {

	/**
	 * Return the share of reads served from the cache.
	 * @return hits divided by all reads, from 0 to 1; 0 before the first read
	 */
	public double hitRatio() {
		long gets = this.hits + this.misses;
		return (gets > 0) ? (double) this.hits / gets : 0;
	}

}
