package dev.sessionstarter.metrics;

/**
 * The names of every meter session-starter registers: those of the store tagged {@code store},
 * those of request locking tagged {@code manager}, those of session daemon clients tagged
 * {@code client} and {@code address}.
 */
public final class SessionMeterNames {

	/** Gauge: sessions held. */
	public static final String STORE_SIZE = "sessions.store.size";

	/** Gauge: bytes held, as the store counts them. */
	public static final String STORE_BYTES = "sessions.store.bytes";

	/** Gauge: the store's bound in bytes (bounded stores only). */
	public static final String STORE_MAX_BYTES = "sessions.store.max.bytes";

	/** Counter: purge runs. */
	public static final String STORE_PURGES = "sessions.store.purges";

	/** Counter: sessions removed because they expired, by the purge or on access. */
	public static final String STORE_EXPIRED = "sessions.store.expired";

	/** Counter: sessions removed to keep within the byte bound. */
	public static final String STORE_EVICTIONS = "sessions.store.evictions";

	/** Counter: unreadable stored sessions (corrupt, truncated or empty files) moved aside. */
	public static final String STORE_QUARANTINED = "sessions.store.quarantined";

	/** Counter: saves refused because the session would be over {@code sessions.max-session-size}. */
	public static final String STORE_OVERSIZED = "sessions.store.oversized";

	/** Counter: saves refused because the request lock they were made under had been lost. */
	public static final String STORE_FENCED_SAVES = "sessions.store.fenced.saves";

	/** Timer: repository operations, tagged {@code operation}. */
	public static final String STORE_OPERATIONS = "sessions.store.operations";

	/** Counter: attribute values that could not be decoded (their session was dropped). */
	public static final String SERIALIZATION_FAILURES = "sessions.serialization.failures";

	/** Timer: how long requests waited for the lock of their session, timeouts included. */
	public static final String LOCK_WAIT = "sessions.lock.wait";

	/** Counter: requests that gave up waiting for the lock of their session. */
	public static final String LOCK_TIMEOUTS = "sessions.lock.timeouts";

	/** Gauge: session locks held now. */
	public static final String LOCK_HELD = "sessions.lock.held";

	/** Counter: reads of the memoized store's cache, tagged {@code result} ({@code hit} or {@code miss}). */
	public static final String CACHE_GETS = "sessions.cache.gets";

	/** Gauge: sessions held in the memoized store's cache. */
	public static final String CACHE_SIZE = "sessions.cache.size";

	/** Gauge: heap bytes the memoized store's cache retains. */
	public static final String CACHE_BYTES = "sessions.cache.bytes";

	/** Counter: sessions dropped from the memoized store's cache to stay within its bounds. */
	public static final String CACHE_EVICTIONS = "sessions.cache.evictions";

	/** Tag: the result of {@link #CACHE_GETS}. */
	public static final String TAG_RESULT = "result";

	/** Counter: calls to the session daemon that failed or timed out, tagged {@code client}. */
	public static final String DAEMON_ERRORS = "sessions.daemon.errors";

	/** Counter: connections made to the session daemon, tagged {@code client}. */
	public static final String DAEMON_CONNECTS = "sessions.daemon.connects";

	/** Gauge: connections to the session daemon open now, tagged {@code client}. */
	public static final String DAEMON_CONNECTIONS = "sessions.daemon.connections";

	/** Tag: the store type. */
	public static final String TAG_STORE = "store";

	/** Tag: the operation of {@link #STORE_OPERATIONS}. */
	public static final String TAG_OPERATION = "operation";

	/** Tag: the lock manager type of the lock meters. */
	public static final String TAG_MANAGER = "manager";

	/** Tag: which daemon client (its bean name) a daemon meter is about. */
	public static final String TAG_CLIENT = "client";

	/** Tag: the address of the daemon a daemon meter is about. */
	public static final String TAG_ADDRESS = "address";

	private SessionMeterNames() {
	}

}
