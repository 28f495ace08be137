package dev.sessionstarter.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.FlushMode;
import org.springframework.session.MapSession;
import org.springframework.session.PrincipalNameIndexResolver;
import org.springframework.session.SaveMode;
import org.springframework.session.Session;
import org.springframework.session.SessionIdGenerator;
import org.springframework.session.UuidSessionIdGenerator;
import org.springframework.session.events.SessionCreatedEvent;
import org.springframework.session.events.SessionDeletedEvent;
import org.springframework.session.events.SessionExpiredEvent;
import org.springframework.util.Assert;

import dev.sessionstarter.serialization.SessionSerializer;

/**
 * The {@link FindByIndexNameSessionRepository} behind every store: it owns the session object
 * and its delta, the save and flush modes, principal-name indexing, the expiry rule, events and
 * counters, and keeps the sessions in a {@link SessionStore}.
 *
 * <p>A session loaded by {@link #findById(String)} records what the request changes, and
 * {@link #save(StoredSession)} hands the store only that delta, which the store merges into
 * what it holds under its own lock. Two overlapping requests that set different attributes of
 * one session therefore both keep theirs, unlike {@link org.springframework.session.MapSessionRepository},
 * whose last save replaces the whole session. Attribute values are decoded lazily, on first
 * read, by the {@link SessionSerializer}; a value that cannot be decoded drops the session
 * (it is deleted, counted and logged) and never fails the request.
 *
 * <p>A {@link StoreUnavailableException} of a call made for a request is remembered for that
 * request ({@link RequestStoreFailure}), and later calls of the same request throw it again
 * without asking the store.
 *
 * <p>Publishes {@link SessionCreatedEvent}, {@link SessionDeletedEvent} (explicit deletes and
 * evictions) and {@link SessionExpiredEvent} (expiry found on access or by the purge). It does
 * not schedule the purge itself: call {@link #purgeExpiredSessions()} periodically.
 */
public class StoreSessionRepository implements FindByIndexNameSessionRepository<StoredSession> {

	/**
	 * How many save periods a session's timeout must be for its touches to be coalesced, so that
	 * the lag a stored access time may have is at most a tenth of the timeout.
	 */
	static final int TIMEOUTS_PER_SAVE_PERIOD = 10;

	// The fields below that are not private are read by StoredSession, the session object.

	final SessionStore store;

	final SessionSerializer serializer;

	final PrincipalNameIndexResolver<Session> principalNameResolver = new PrincipalNameIndexResolver<>();

	private Duration defaultMaxInactiveInterval = MapSession.DEFAULT_MAX_INACTIVE_INTERVAL;

	SaveMode saveMode = SaveMode.ON_SET_ATTRIBUTE;

	FlushMode flushMode = FlushMode.ON_SAVE;

	SessionIdGenerator sessionIdGenerator = UuidSessionIdGenerator.getInstance();

	private Clock clock = Clock.systemUTC();

	private OperationRecorder operationRecorder = OperationRecorder.NONE;

	private boolean decodeOnLoad;

	final SavePeriod savePeriod = new SavePeriod();

	final SessionEvents events = new SessionEvents(this);

	final SessionSizeLimit sizeLimit = new SessionSizeLimit(Long.MAX_VALUE);

	final ChangeEncoder changeEncoder = new ChangeEncoder(this);

	private final PurgeRecord purges;

	/**
	 * Create a repository over a store.
	 * @param store where sessions are kept; this repository becomes its removal listener
	 * @param serializer how attribute values are encoded
	 */
	public StoreSessionRepository(SessionStore store, SessionSerializer serializer) {
		Assert.notNull(store, "'store' must not be null");
		Assert.notNull(serializer, "'serializer' must not be null");
		this.store = store;
		this.serializer = serializer;
		this.decodeOnLoad = store.decodesOnLoad();
		this.purges = new PurgeRecord(store);
		store.setRemovalListener(this.events::removed);
	}

	/**
	 * Set the publisher of session events; by default events go nowhere.
	 * @param eventPublisher the publisher
	 */
	public void setApplicationEventPublisher(ApplicationEventPublisher eventPublisher) {
		this.events.setPublisher(eventPublisher);
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
	 * sessions whose timeout is at least {@value #TIMEOUTS_PER_SAVE_PERIOD} periods (or that never
	 * expire) are coalesced, and for them every expiry decision of this repository (on access,
	 * by principal, by the purge) allows for the lag: such a session expires no earlier than its
	 * timeout after its last request, and at most one period later.
	 * @param savePeriod the period, zero or positive
	 */
	public void setSavePeriod(Duration savePeriod) {
		this.savePeriod.set(savePeriod);
	}

	/**
	 * Set what records operation durations.
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

	@Override
	public StoredSession createSession() {
		StoredSession session = new StoredSession(this, this.sessionIdGenerator.generate(), now(),
				this.defaultMaxInactiveInterval);
		session.flushImmediateIfNecessary();
		return session;
	}

	@Override
	public void save(StoredSession session) {
		RequestStoreFailure.throwIfFailed();
		if (session.hasNothingToWrite()) {
			// most saves: neither timed nor counted, so the save timer counts the saves that write
			return;
		}
		long start = System.nanoTime();
		try {
			session.save();
		}
		catch (StoreUnavailableException ex) {
			RequestStoreFailure.rememberForCurrent(ex);
			throw ex;
		}
		finally {
			this.operationRecorder.record(StoreOperation.SAVE, System.nanoTime() - start);
		}
	}

	@Override
	public @Nullable StoredSession findById(String id) {
		RequestStoreFailure.throwIfFailed();
		long start = System.nanoTime();
		try {
			return load(id);
		}
		catch (StoreUnavailableException ex) {
			RequestStoreFailure.rememberForCurrent(ex);
			throw ex;
		}
		finally {
			this.operationRecorder.record(StoreOperation.FIND, System.nanoTime() - start);
		}
	}

	private @Nullable StoredSession load(String id) {
		if (!SessionIds.isValid(id)) {
			return null;
		}
		SessionRecord record = this.store.find(id);
		if (record == null) {
			return null;
		}
		long now = this.clock.millis() - this.savePeriod.lag(record);
		if (record.isExpired(now)) {
			this.store.deleteIfExpired(id, Instant.ofEpochMilli(now));
			return null;
		}
		StoredSession session = new StoredSession(this, record);
		if (this.decodeOnLoad && !record.isDecodedBy(this.serializer)) {
			if (!session.decodeAll()) {
				return null;
			}
			record.markDecodedBy(this.serializer);
		}
		return session;
	}

	@Override
	public void deleteById(String id) {
		RequestStoreFailure.throwIfFailed();
		long start = System.nanoTime();
		try {
			if (SessionIds.isValid(id)) {
				SessionRecord removed = this.store.delete(id);
				if (removed != null) {
					this.events.deleted(removed);
				}
			}
		}
		catch (StoreUnavailableException ex) {
			RequestStoreFailure.rememberForCurrent(ex);
			throw ex;
		}
		finally {
			this.operationRecorder.record(StoreOperation.DELETE, System.nanoTime() - start);
		}
	}

	@Override
	public Map<String, StoredSession> findByIndexNameAndIndexValue(String indexName, String indexValue) {
		if (!PRINCIPAL_NAME_INDEX_NAME.equals(indexName) || indexValue == null) {
			return Map.of();
		}
		RequestStoreFailure.throwIfFailed();
		long start = System.nanoTime();
		try {
			Instant now = now();
			Map<String, StoredSession> sessions = new LinkedHashMap<>();
			for (SessionRecord record : this.store.findByPrincipalName(indexValue)) {
				if (!record.isExpired(this.savePeriod.expiryTime(record, now))) {
					sessions.put(record.id(), new StoredSession(this, record));
				}
			}
			return sessions;
		}
		catch (StoreUnavailableException ex) {
			RequestStoreFailure.rememberForCurrent(ex);
			throw ex;
		}
		finally {
			this.operationRecorder.record(StoreOperation.FIND_BY_PRINCIPAL, System.nanoTime() - start);
		}
	}

	/**
	 * Remove every expired session now, publishing a {@link SessionExpiredEvent} for each.
	 * @return the number removed
	 */
	public int purgeExpiredSessions() {
		long start = System.nanoTime();
		try {
			return this.purges.purge(now(), this.savePeriod.millis());
		}
		finally {
			this.operationRecorder.record(StoreOperation.PURGE, System.nanoTime() - start);
		}
	}

	/**
	 * Bring a bounded store down to its reduced bound now.
	 * @return the number of sessions evicted
	 * @see SessionStore#reduce()
	 */
	public int reduce() {
		return this.store.reduce();
	}

	/**
	 * Return the counters and the store's usage now.
	 * @return a snapshot
	 */
	public StoreStatistics getStatistics() {
		SessionEvents events = this.events;
		return new StoreStatistics(this.store.type(), this.store.usage(), events.created.sum(), events.deleted.sum(),
				events.expired.sum(), events.evicted.sum(), this.purges.purges(), events.serializationFailures.sum(),
				this.purges.lastPurge(), this.store.quarantined(), this.sizeLimit.refused(),
				this.store.fencedSaves());
	}

	Instant now() {
		return this.clock.instant();
	}

}
