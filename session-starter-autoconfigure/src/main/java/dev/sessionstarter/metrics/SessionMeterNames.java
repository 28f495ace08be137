package dev.sessionstarter.metrics;

/**
 * The names of every meter session-starter registers: store meters are tagged {@code store},
 * daemon client meters {@code client} and {@code address}.
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

	/** Timer: repository operations, tagged {@code operation}. */
	public static final String STORE_OPERATIONS = "sessions.store.operations";

	/** Counter: attribute values that could not be decoded (their session was dropped). */
	public static final String SERIALIZATION_FAILURES = "sessions.serialization.failures";

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

	/** Tag: which daemon client (its bean name) a daemon meter is about. */
	public static final String TAG_CLIENT = "client";

	/** Tag: the address of the daemon a daemon meter is about. */
	public static final String TAG_ADDRESS = "address";

	private SessionMeterNames() {
	}

}
