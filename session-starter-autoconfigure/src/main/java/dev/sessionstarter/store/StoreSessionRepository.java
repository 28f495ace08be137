package dev.sessionstarter.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.serializer.support.SerializationFailedException;
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
 * <p>Publishes {@link SessionCreatedEvent}, {@link SessionDeletedEvent} (explicit deletes and
 * evictions) and {@link SessionExpiredEvent} (expiry found on access or by the purge). It does
 * not schedule the purge itself: call {@link #purgeExpiredSessions()} periodically.
 */
public class StoreSessionRepository implements FindByIndexNameSessionRepository<StoreSessionRepository.StoredSession> {

	private static final Log logger = LogFactory.getLog(StoreSessionRepository.class);

	private static final String SPRING_SECURITY_CONTEXT = "SPRING_SECURITY_CONTEXT";

	private final SessionStore store;

	private final SessionSerializer serializer;

	private final PrincipalNameIndexResolver<Session> principalNameResolver = new PrincipalNameIndexResolver<>();

	private ApplicationEventPublisher eventPublisher = (event) -> {
	};

	private Duration defaultMaxInactiveInterval = MapSession.DEFAULT_MAX_INACTIVE_INTERVAL;

	private SaveMode saveMode = SaveMode.ON_SET_ATTRIBUTE;

	private FlushMode flushMode = FlushMode.ON_SAVE;

	private SessionIdGenerator sessionIdGenerator = UuidSessionIdGenerator.getInstance();

	private Clock clock = Clock.systemUTC();

	private OperationRecorder operationRecorder = OperationRecorder.NONE;

	private boolean decodeOnLoad;

	private final LongAdder created = new LongAdder();

	private final LongAdder deleted = new LongAdder();

	private final LongAdder expired = new LongAdder();

	private final LongAdder evicted = new LongAdder();

	private final LongAdder purges = new LongAdder();

	private final LongAdder serializationFailures = new LongAdder();

	private volatile @Nullable Instant lastPurge;

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
		store.setRemovalListener(this::onRemoval);
	}

	/**
	 * Set the publisher of session events; by default events go nowhere.
	 * @param eventPublisher the publisher
	 */
	public void setApplicationEventPublisher(ApplicationEventPublisher eventPublisher) {
		Assert.notNull(eventPublisher, "'eventPublisher' must not be null");
		this.eventPublisher = eventPublisher;
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
	 * Return the store beneath this repository.
	 * @return the store
	 */
	public SessionStore getStore() {
		return this.store;
	}

	@Override
	public StoredSession createSession() {
		StoredSession session = new StoredSession(this.sessionIdGenerator.generate(), now(),
				this.defaultMaxInactiveInterval);
		session.flushImmediateIfNecessary();
		return session;
	}

	@Override
	public void save(StoredSession session) {
		long start = System.nanoTime();
		try {
			session.save();
		}
		finally {
			this.operationRecorder.record(StoreOperation.SAVE, System.nanoTime() - start);
		}
	}

	@Override
	public @Nullable StoredSession findById(String id) {
		long start = System.nanoTime();
		try {
			return load(id);
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
		Instant now = now();
		if (record.isExpired(now)) {
			this.store.deleteIfExpired(id, now);
			return null;
		}
		StoredSession session = new StoredSession(record);
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
		long start = System.nanoTime();
		try {
			if (SessionIds.isValid(id)) {
				SessionRecord removed = this.store.delete(id);
				if (removed != null) {
					this.deleted.increment();
					publish(new SessionDeletedEvent(this, new StoredSession(removed)));
				}
			}
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
		long start = System.nanoTime();
		try {
			Instant now = now();
			Map<String, StoredSession> sessions = new LinkedHashMap<>();
			for (SessionRecord record : this.store.findByPrincipalName(indexValue)) {
				if (!record.isExpired(now)) {
					sessions.put(record.id(), new StoredSession(record));
				}
			}
			return sessions;
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
			Instant now = now();
			int removed = this.store.purgeExpired(now);
			this.purges.increment();
			this.lastPurge = now;
			if (removed > 0 && logger.isDebugEnabled()) {
				logger.debug("Purged " + removed + " expired sessions from the " + this.store.type() + " store");
			}
			return removed;
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
		return new StoreStatistics(this.store.type(), this.store.usage(), this.created.sum(), this.deleted.sum(),
				this.expired.sum(), this.evicted.sum(), this.purges.sum(), this.serializationFailures.sum(),
				this.lastPurge, this.store.quarantined());
	}

	private void onRemoval(SessionRecord record, RemovalCause cause) {
		if (cause == RemovalCause.EXPIRED) {
			this.expired.increment();
			publish(new SessionExpiredEvent(this, new StoredSession(record)));
		}
		else {
			this.evicted.increment();
			publish(new SessionDeletedEvent(this, new StoredSession(record)));
		}
	}

	private void publish(ApplicationEvent event) {
		try {
			this.eventPublisher.publishEvent(event);
		}
		catch (RuntimeException ex) {
			logger.error("Error publishing " + event + ".", ex);
		}
	}

	private Instant now() {
		return this.clock.instant();
	}

	/**
	 * A session of this repository. Its attributes may be read and changed by several threads of
	 * one request at once (an asynchronous request's own thread and the container's), as the
	 * Servlet specification asks of a session: a change made while the session is being saved is
	 * kept for the next save rather than lost.
	 */
	public final class StoredSession implements Session {

		private @Nullable SessionRecord stored;

		private String id;

		private final Instant creationTime;

		private Instant lastAccessedTime;

		private Duration maxInactiveInterval;

		private boolean isNew;

		private boolean lastAccessedTimeChanged;

		private boolean maxInactiveIntervalChanged;

		private boolean dropped;

		private final Map<String, Object> decoded = new ConcurrentHashMap<>();

		/**
		 * The attributes changed since the last save, each change a new {@link Change}, so that a
		 * save removes only the changes it wrote, not one made meanwhile with the same value.
		 */
		private final Map<String, Change> delta = new ConcurrentHashMap<>();

		StoredSession(SessionRecord record) {
			this.stored = record;
			this.id = record.id();
			this.creationTime = Instant.ofEpochMilli(record.creationTime());
			this.lastAccessedTime = Instant.ofEpochMilli(record.lastAccessedTime());
			this.maxInactiveInterval = record.maxInactiveInterval();
		}

		StoredSession(String id, Instant now, Duration maxInactiveInterval) {
			this.id = id;
			this.creationTime = now;
			this.lastAccessedTime = now;
			this.maxInactiveInterval = maxInactiveInterval;
			this.isNew = true;
		}

		@Override
		public String getId() {
			return this.id;
		}

		@Override
		public String changeSessionId() {
			this.id = StoreSessionRepository.this.sessionIdGenerator.generate();
			flushImmediateIfNecessary();
			return this.id;
		}

		@Override
		@SuppressWarnings("unchecked")
		public <T> @Nullable T getAttribute(String attributeName) {
			Change changed = this.delta.get(attributeName);
			if (changed != null) {
				return (T) changed.value;
			}
			Object value = this.decoded.get(attributeName);
			if (value == null) {
				value = decode(attributeName);
				if (value == null) {
					return null;
				}
			}
			if (StoreSessionRepository.this.saveMode != SaveMode.ON_SET_ATTRIBUTE) {
				this.delta.put(attributeName, new Change(value));
			}
			return (T) value;
		}

		private @Nullable Object decode(String attributeName) {
			SessionRecord record = this.stored;
			byte[] bytes = (record != null && !this.dropped) ? record.attribute(attributeName) : null;
			if (bytes == null) {
				return null;
			}
			try {
				Object value = StoreSessionRepository.this.serializer.deserialize(bytes);
				this.decoded.put(attributeName, value);
				return value;
			}
			catch (SerializationFailedException ex) {
				drop(attributeName, ex);
				return null;
			}
		}

		boolean decodeAll() {
			SessionRecord record = this.stored;
			if (record != null) {
				for (int i = 0; i < record.attributeCount() && !this.dropped; i++) {
					String name = record.attributeName(i);
					if (!this.decoded.containsKey(name)) {
						decode(name);
					}
				}
			}
			return !this.dropped;
		}

		private void drop(String attributeName, SerializationFailedException ex) {
			StoreSessionRepository.this.serializationFailures.increment();
			logger.warn("Dropping session " + this.id + ": its attribute '" + attributeName
					+ "' cannot be decoded (" + ex.getMessage() + ")");
			this.dropped = true;
			this.decoded.clear();
			SessionRecord record = this.stored;
			if (record != null && StoreSessionRepository.this.store.delete(record.id()) != null) {
				publish(new SessionDeletedEvent(StoreSessionRepository.this, this));
			}
		}

		@Override
		public Set<String> getAttributeNames() {
			Set<String> names = new LinkedHashSet<>();
			SessionRecord record = this.stored;
			if (record != null && !this.dropped) {
				names.addAll(record.attributeNames());
			}
			this.delta.forEach((name, change) -> {
				if (change.value != null) {
					names.add(name);
				}
				else {
					names.remove(name);
				}
			});
			return names;
		}

		@Override
		public void setAttribute(String attributeName, @Nullable Object attributeValue) {
			Assert.notNull(attributeName, "'attributeName' must not be null");
			this.delta.put(attributeName, new Change(attributeValue));
			if (attributeValue == null) {
				this.decoded.remove(attributeName);
			}
			flushImmediateIfNecessary();
		}

		@Override
		public void removeAttribute(String attributeName) {
			setAttribute(attributeName, null);
		}

		@Override
		public Instant getCreationTime() {
			return this.creationTime;
		}

		@Override
		public void setLastAccessedTime(Instant lastAccessedTime) {
			this.lastAccessedTime = lastAccessedTime;
			this.lastAccessedTimeChanged = true;
			flushImmediateIfNecessary();
		}

		@Override
		public Instant getLastAccessedTime() {
			return this.lastAccessedTime;
		}

		@Override
		public void setMaxInactiveInterval(Duration interval) {
			Assert.notNull(interval, "'interval' must not be null");
			this.maxInactiveInterval = interval;
			this.maxInactiveIntervalChanged = true;
			flushImmediateIfNecessary();
		}

		@Override
		public Duration getMaxInactiveInterval() {
			return this.maxInactiveInterval;
		}

		@Override
		public boolean isExpired() {
			return !this.maxInactiveInterval.isNegative()
					&& !now().minus(this.maxInactiveInterval).isBefore(this.lastAccessedTime);
		}

		/**
		 * Return the version of the stored record this session was loaded from or last saved as.
		 * @return the version, {@code 0} for a session never saved
		 */
		public long getVersion() {
			SessionRecord record = this.stored;
			return (record != null) ? record.version() : 0;
		}

		void flushImmediateIfNecessary() {
			if (StoreSessionRepository.this.flushMode == FlushMode.IMMEDIATE) {
				save();
			}
		}

		void save() {
			if (this.dropped) {
				return;
			}
			SessionRecord record = this.stored;
			boolean create = this.isNew || record == null;
			String previousId = (!create && !record.id().equals(this.id)) ? record.id() : null;
			boolean principalNameChanged = false;
			String principalName = (record != null) ? record.principalName() : null;
			Map<String, Change> changes = new HashMap<>(this.delta);
			if (create || changes.containsKey(PRINCIPAL_NAME_INDEX_NAME)
					|| changes.containsKey(SPRING_SECURITY_CONTEXT)) {
				String resolved = StoreSessionRepository.this.principalNameResolver.resolveIndexValueFor(this);
				principalNameChanged = !Objects.equals(resolved, principalName);
				principalName = resolved;
			}
			Map<String, byte @Nullable []> attributes = encode(changes, record);
			if (!create && previousId == null && attributes.isEmpty() && !this.lastAccessedTimeChanged
					&& !this.maxInactiveIntervalChanged && !principalNameChanged) {
				return;
			}
			SessionChange change = new SessionChange(this.id, previousId, create, this.creationTime.toEpochMilli(),
					(create || this.lastAccessedTimeChanged) ? this.lastAccessedTime.toEpochMilli() : null,
					(create || this.maxInactiveIntervalChanged) ? this.maxInactiveInterval.toMillis() : null,
					principalNameChanged, principalName, attributes);
			SessionRecord saved = StoreSessionRepository.this.store.save(change);
			if (saved == null) {
				logger.debug("Session " + this.id + " is no longer stored; its changes are dropped");
				this.dropped = true;
				return;
			}
			this.stored = saved;
			this.isNew = false;
			this.lastAccessedTimeChanged = false;
			this.maxInactiveIntervalChanged = false;
			changes.forEach((name, written) -> {
				if (written.value != null) {
					this.decoded.put(name, written.value);
				}
				// a value set again meanwhile stays for the next save
				this.delta.remove(name, written);
			});
			if (create) {
				StoreSessionRepository.this.created.increment();
				publish(new SessionCreatedEvent(StoreSessionRepository.this, this));
			}
		}

		private Map<String, byte @Nullable []> encode(Map<String, Change> changes, @Nullable SessionRecord record) {
			Map<String, byte @Nullable []> attributes = new HashMap<>();
			changes.forEach((name, change) -> attributes.put(name,
					(change.value != null) ? StoreSessionRepository.this.serializer.serialize(change.value) : null));
			if (StoreSessionRepository.this.saveMode == SaveMode.ALWAYS && record != null) {
				for (int i = 0; i < record.attributeCount(); i++) {
					if (!attributes.containsKey(record.attributeName(i))) {
						attributes.put(record.attributeName(i), record.attributeValue(i));
					}
				}
			}
			return attributes;
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof Session session && this.id.equals(session.getId());
		}

		@Override
		public int hashCode() {
			return this.id.hashCode();
		}

		@Override
		public String toString() {
			return "StoredSession[id=" + this.id + ", new=" + this.isNew + "]";
		}

	}

	/**
	 * One change of an attribute: its new value, or {@code null} for a removal. Compared by
	 * identity: every set is a new change, even of the same value.
	 */
	private static final class Change {

		final @Nullable Object value;

		Change(@Nullable Object value) {
			this.value = value;
		}

	}

}
