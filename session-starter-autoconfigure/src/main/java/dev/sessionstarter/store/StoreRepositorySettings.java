package dev.sessionstarter.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.springframework.session.FlushMode;
import org.springframework.session.MapSession;
import org.springframework.session.SaveMode;
import org.springframework.session.SessionIdGenerator;
import org.springframework.session.UuidSessionIdGenerator;
import org.springframework.util.Assert;

import dev.sessionstarter.serialization.SessionSerializer;

/**
 * The settings of a {@link StoreSessionRepository}, set once when it is configured and read by
 * it and by its sessions on every request: the store and serializer, the save and flush modes,
 * the id generator, the clock, the save period, the size limit, decoding on load and the
 * recorder of operation durations. Its fields are read by the repository and by
 * {@link StoredSession}, the session object.
 */
abstract class StoreRepositorySettings {

	/** What {@link #startTiming()} returns when nothing records durations. */
	static final long NOT_TIMED = Long.MIN_VALUE;

	final SessionStore store;

	final SessionSerializer serializer;

	Duration defaultMaxInactiveInterval = MapSession.DEFAULT_MAX_INACTIVE_INTERVAL;

	SaveMode saveMode = SaveMode.ON_SET_ATTRIBUTE;

	FlushMode flushMode = FlushMode.ON_SAVE;

	SessionIdGenerator sessionIdGenerator = UuidSessionIdGenerator.getInstance();

	Clock clock = Clock.systemUTC();

	/**
	 * Volatile: set by a meter binder, possibly once requests and the purge are running (a
	 * volatile read is a plain load on x86 and read once or twice an operation).
	 */
	volatile OperationRecorder operationRecorder = OperationRecorder.NONE;

	boolean decodeOnLoad;

	final SavePeriod savePeriod = new SavePeriod();

	final SessionSizeLimit sizeLimit = new SessionSizeLimit(Long.MAX_VALUE);

	StoreRepositorySettings(SessionStore store, SessionSerializer serializer) {
		Assert.notNull(store, "'store' must not be null");
		Assert.notNull(serializer, "'serializer' must not be null");
		this.store = store;
		this.serializer = serializer;
		this.decodeOnLoad = store.decodesOnLoad();
	}

	/**
	 * Set the inactivity timeout of new sessions; negative means never.
	 * @param defaultMaxInactiveInterval the timeout
	 */
	public void setDefaultMaxInactiveInterval(Duration defaultMaxInactiveInterval) {
		Assert.notNull(defaultMaxInactiveInterval, "'defaultMaxInactiveInterval' must not be null");
		this.defaultMaxInactiveInterval = defaultMaxInactiveInterval;
	}

	/**
	 * Set which attributes a save writes; {@link SaveMode#ON_SET_ATTRIBUTE} by default.
	 * {@link SaveMode#ON_GET_ATTRIBUTE} also writes every attribute the request read, and
	 * {@link SaveMode#ALWAYS} writes every attribute of the session.
	 * @param saveMode the save mode
	 */
	public void setSaveMode(SaveMode saveMode) {
		Assert.notNull(saveMode, "'saveMode' must not be null");
		this.saveMode = saveMode;
	}

	/**
	 * Set when changes are written; {@link FlushMode#ON_SAVE} by default.
	 * @param flushMode the flush mode
	 */
	public void setFlushMode(FlushMode flushMode) {
		Assert.notNull(flushMode, "'flushMode' must not be null");
		this.flushMode = flushMode;
	}

	/**
	 * Set the generator of new session ids; its ids must satisfy {@link SessionIds}.
	 * @param sessionIdGenerator the generator
	 */
	public void setSessionIdGenerator(SessionIdGenerator sessionIdGenerator) {
		Assert.notNull(sessionIdGenerator, "'sessionIdGenerator' must not be null");
		this.sessionIdGenerator = sessionIdGenerator;
	}

	/**
	 * Set the clock that stamps access times and decides expiry.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "'clock' must not be null");
		this.clock = clock;
	}

	/**
	 * Set how long a session's access time may go unwritten: a save that changes nothing but
	 * the access time (no attribute, timeout, principal or id) reaches the store only when the
	 * stored access time is at least this old. Zero, the default, writes every access. Only
	 * sessions whose timeout is at least {@value StoreSessionRepository#TIMEOUTS_PER_SAVE_PERIOD} periods (or that never
	 * expire) are coalesced, and for them every expiry decision of this repository (on access,
	 * by principal, by the purge) allows for the lag: such a session expires no earlier than its
	 * timeout after its last request, and at most one period later.
	 * @param savePeriod the period, zero or positive
	 */
	public void setSavePeriod(Duration savePeriod) {
		this.savePeriod.set(savePeriod);
	}

	/**
	 * Set what records operation durations; with {@link OperationRecorder#NONE}, the default,
	 * operations are not timed and no clock is read for them.
	 * @param operationRecorder the recorder
	 */
	public void setOperationRecorder(OperationRecorder operationRecorder) {
		Assert.notNull(operationRecorder, "'operationRecorder' must not be null");
		this.operationRecorder = operationRecorder;
	}

	/**
	 * Set whether {@link #findById(String)} decodes every attribute at once, so that a session
	 * whose values no longer decode is dropped before the request sees it and the request goes
	 * on with a new session. The default is the store's {@link SessionStore#decodesOnLoad()}:
	 * off (values are decoded when first read) for a store that only ever holds values this
	 * process encoded. A record this repository
	 * has decoded in full is marked ({@link SessionRecord#isDecodedBy}), and so is every record
	 * applied to it, so a cache that hands the same record out again is not decoded again: the
	 * values a request adds were encoded here.
	 * @param decodeOnLoad whether to decode on load
	 */
	public void setDecodeOnLoad(boolean decodeOnLoad) {
		this.decodeOnLoad = decodeOnLoad;
	}

	/**
	 * Set the largest encoded size one session may take ({@code sessions.max-session-size});
	 * unbounded unless set. A save that changes attributes and would take the session over it
	 * throws a {@link SessionTooLargeException} naming that property before anything reaches the
	 * store, so the store keeps the previous version; the refused changes are dropped from the
	 * session, so a later save of the same request does not try them again. Refusals are counted
	 * ({@link StoreStatistics#oversized()}) and logged at most once a minute.
	 * @param maxSessionSize the bound in bytes, greater than zero
	 */
	public void setMaxSessionSize(long maxSessionSize) {
		Assert.isTrue(maxSessionSize > 0, "'maxSessionSize' must be greater than zero");
		this.sizeLimit.setMaxBytes(maxSessionSize);
	}

	/**
	 * Return the largest encoded size one session may take.
	 * @return the bound in bytes, {@link Long#MAX_VALUE} when unbounded
	 */
	public long getMaxSessionSize() {
		return this.sizeLimit.maxBytes();
	}

	/**
	 * Return the store beneath this repository.
	 * @return the store
	 */
	public SessionStore getStore() {
		return this.store;
	}

	Instant now() {
		return this.clock.instant();
	}

	/**
	 * Start timing an operation: read the clock, unless nothing records durations.
	 * @return the start, or {@link #NOT_TIMED}
	 */
	final long startTiming() {
		return (this.operationRecorder != OperationRecorder.NONE) ? System.nanoTime() : NOT_TIMED;
	}

	/**
	 * Record an operation's duration, if it was timed.
	 * @param operation the operation
	 * @param start what {@link #startTiming()} returned
	 */
	final void recordTiming(StoreOperation operation, long start) {
		if (start != NOT_TIMED) {
			this.operationRecorder.record(operation, System.nanoTime() - start);
		}
	}

}
