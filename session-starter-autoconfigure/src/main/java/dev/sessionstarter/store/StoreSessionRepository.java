package dev.sessionstarter.store;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.PrincipalNameIndexResolver;
import org.springframework.session.Session;
import org.springframework.session.events.SessionCreatedEvent;
import org.springframework.session.events.SessionDeletedEvent;
import org.springframework.session.events.SessionExpiredEvent;

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
public class StoreSessionRepository extends StoreRepositorySettings
		implements FindByIndexNameSessionRepository<StoredSession> {

	/**
	 * How many save periods a session's timeout must be for its touches to be coalesced, so that
	 * the lag a stored access time may have is at most a tenth of the timeout.
	 */
	static final int TIMEOUTS_PER_SAVE_PERIOD = 10;

	final PrincipalNameIndexResolver<Session> principalNameResolver = new PrincipalNameIndexResolver<>();

	final SessionEvents events = new SessionEvents(this);

	final ChangeEncoder changeEncoder = new ChangeEncoder(this);

	private final PurgeRecord purges;

	/**
	 * Create a repository over a store.
	 * @param store where sessions are kept; this repository becomes its removal listener
	 * @param serializer how attribute values are encoded
	 */
	public StoreSessionRepository(SessionStore store, SessionSerializer serializer) {
		super(store, serializer);
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
		long start = startTiming();
		try {
			session.save();
		}
		catch (StoreUnavailableException ex) {
			RequestStoreFailure.rememberForCurrent(ex);
			throw ex;
		}
		finally {
			recordTiming(StoreOperation.SAVE, start);
		}
	}

	@Override
	public @Nullable StoredSession findById(String id) {
		RequestStoreFailure.throwIfFailed();
		long start = startTiming();
		try {
			return load(id);
		}
		catch (StoreUnavailableException ex) {
			RequestStoreFailure.rememberForCurrent(ex);
			throw ex;
		}
		finally {
			recordTiming(StoreOperation.FIND, start);
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
		long start = startTiming();
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
			recordTiming(StoreOperation.DELETE, start);
		}
	}

	@Override
	public Map<String, StoredSession> findByIndexNameAndIndexValue(String indexName, String indexValue) {
		if (!PRINCIPAL_NAME_INDEX_NAME.equals(indexName) || indexValue == null) {
			return Map.of();
		}
		RequestStoreFailure.throwIfFailed();
		long start = startTiming();
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
			recordTiming(StoreOperation.FIND_BY_PRINCIPAL, start);
		}
	}

	/**
	 * Remove every expired session now, publishing a {@link SessionExpiredEvent} for each.
	 * @return the number removed
	 */
	public int purgeExpiredSessions() {
		long start = startTiming();
		try {
			return this.purges.purge(now(), this.savePeriod.millis());
		}
		finally {
			recordTiming(StoreOperation.PURGE, start);
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

}
