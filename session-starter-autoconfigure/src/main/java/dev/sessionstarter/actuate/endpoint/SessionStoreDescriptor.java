package dev.sessionstarter.actuate.endpoint;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

import dev.sessionstarter.store.StoreStatistics;
import dev.sessionstarter.store.memoized.CacheStatistics;

/**
 * What {@link SessionStoreEndpoint} reports: counts and sizes only, never attribute values.
 */
public final class SessionStoreDescriptor implements OperationResponseBody {

	private final String store;

	private final Limits limits;

	private final long sessions;

	private final long bytes;

	private final Counters counters;

	private final @Nullable Instant lastPurge;

	private final @Nullable Lock lock;

	private final @Nullable Cache cache;

	SessionStoreDescriptor(StoreStatistics statistics, Limits limits, @Nullable Lock lock) {
		this(statistics, limits, lock, null);
	}

	SessionStoreDescriptor(StoreStatistics statistics, Limits limits, @Nullable Lock lock,
			@Nullable CacheStatistics cache) {
		this.store = statistics.store();
		this.limits = limits;
		this.sessions = statistics.usage().sessions();
		this.bytes = statistics.usage().bytes();
		this.counters = new Counters(statistics.created(), statistics.deleted(), statistics.expired(),
				statistics.evicted(), statistics.purges(), statistics.serializationFailures(),
				statistics.quarantined(), statistics.oversized(), statistics.fencedSaves());
		this.lastPurge = statistics.lastPurge();
		this.lock = lock;
		this.cache = (cache != null) ? new Cache(cache.delegate(), cache.coherence().name().toLowerCase(Locale.ROOT),
				cache.hits(), cache.misses(), cache.hitRatio(), cache.sessions(), cache.bytes(), cache.maxSessions(),
				cache.maxBytes(), cache.evictions(), cache.heldLocks()) : null;
	}

	public String getStore() {
		return this.store;
	}

	public Limits getLimits() {
		return this.limits;
	}

	public long getSessions() {
		return this.sessions;
	}

	public long getBytes() {
		return this.bytes;
	}

	public Counters getCounters() {
		return this.counters;
	}

	public @Nullable Instant getLastPurge() {
		return this.lastPurge;
	}

	public @Nullable Lock getLock() {
		return this.lock;
	}

	public @Nullable Cache getCache() {
		return this.cache;
	}

	/**
	 * The store's limits.
	 *
	 * @param maxBytes the byte bound, or {@code null} if the store has none
	 * @param reduceTo the fraction of the bound eviction reduces to, or {@code null}
	 * @param purgeInterval the time between purges
	 */
	public record Limits(@Nullable Long maxBytes, @Nullable Double reduceTo, Duration purgeInterval) {

	}

	/**
	 * Counters since start.
	 *
	 * @param created sessions created
	 * @param deleted sessions deleted explicitly
	 * @param expired sessions removed because they expired
	 * @param evicted sessions evicted to stay within the bound
	 * @param purges purge runs
	 * @param serializationFailures attribute values that could not be decoded
	 * @param quarantined unreadable stored sessions moved aside
	 * @param oversized saves refused because the session would be over {@code sessions.max-session-size}
	 * @param fencedSaves saves refused because their request lock had been lost
	 */
	public record Counters(long created, long deleted, long expired, long evicted, long purges,
			long serializationFailures, long quarantined, long oversized, long fencedSaves) {

	}

	/**
	 * Request locking.
	 *
	 * @param manager the lock manager type
	 * @param timeout the longest time a request waits for its lock
	 * @param held the locks held now
	 * @param acquisitions the times a request got its lock since start
	 * @param timeouts the times a request gave up waiting for its lock since start
	 */
	public record Lock(String manager, Duration timeout, int held, long acquisitions, long timeouts) {

	}

	/**
	 * The cache of the {@code memoized} store.
	 *
	 * @param delegate the store the cache fronts ({@code none} when the cache is the store)
	 * @param coherence how cached copies are kept current ({@code validate} or {@code exclusive})
	 * @param hits reads served from the cache since start
	 * @param misses reads that went to the delegate since start
	 * @param hitRatio hits divided by all reads
	 * @param sessions sessions cached now
	 * @param bytes heap bytes the cache retains now
	 * @param maxSessions the most sessions the cache holds
	 * @param maxBytes the most heap bytes the cache retains
	 * @param evictions sessions dropped from the cache to stay within its bounds since start
	 * @param heldLocks delegate locks the cache holds now (exclusive coherence)
	 */
	public record Cache(String delegate, String coherence, long hits, long misses, double hitRatio, long sessions,
			long bytes, long maxSessions, long maxBytes, long evictions, int heldLocks) {

	}

}
