package dev.sessionstarter.store;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.serializer.support.SerializationFailedException;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.FlushMode;
import org.springframework.session.SaveMode;
import org.springframework.session.Session;
import org.springframework.session.events.SessionDeletedEvent;
import org.springframework.util.Assert;

/**
 * A session of a {@link StoreSessionRepository}, which creates and loads it: it records the
 * changes a request makes (its delta), which the repository's save hands to the store, and it
 * decodes attribute values lazily. Its attributes may be read and changed by several threads of
 * one request at once (an asynchronous request's own thread and the container's), as the
 * Servlet specification asks of a session: a change made while the session is being saved is
 * kept for the next save rather than lost.
 */
public final class StoredSession extends TimedSession {

	/** Logs under the repository's name, as the session's work is the repository's. */
	private static final Log logger = LogFactory.getLog(StoreSessionRepository.class);

	private static final String SPRING_SECURITY_CONTEXT = "SPRING_SECURITY_CONTEXT";

	private final StoreSessionRepository repository;

	private @Nullable SessionRecord stored;

	private String id;

	private boolean isNew;

	private boolean dropped;

	/** The values decoded or written; like the delta, 4 slots at first: a request uses few. */
	private final Map<String, Object> decoded = new ConcurrentHashMap<>(2);

	/**
	 * The attributes changed since the last save, each change a new {@link AttributeChange}, so
	 * that a save removes only the changes it wrote, not one made meanwhile with the same value.
	 */
	private final Map<String, AttributeChange> delta = new ConcurrentHashMap<>(2);

	StoredSession(StoreSessionRepository repository, SessionRecord record) {
		super(record.creationTime(), record.lastAccessedTime(), record.maxInactiveMillis());
		this.repository = repository;
		this.stored = record;
		this.id = record.id();
	}

	StoredSession(StoreSessionRepository repository, String id, Instant now, Duration maxInactiveInterval) {
		super(now, maxInactiveInterval);
		this.repository = repository;
		this.id = id;
		this.isNew = true;
	}

	@Override
	public String getId() {
		return this.id;
	}

	@Override
	public String changeSessionId() {
		this.id = this.repository.sessionIdGenerator.generate();
		flushImmediateIfNecessary();
		return this.id;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T getAttribute(String attributeName) {
		AttributeChange changed = this.delta.get(attributeName);
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
		if (this.repository.saveMode != SaveMode.ON_SET_ATTRIBUTE) {
			this.delta.put(attributeName, new AttributeChange(value));
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
			Object value = this.repository.serializer.deserialize(record.id(), attributeName, bytes);
			this.decoded.put(attributeName, value);
			if (this.repository.serializer.isStale(bytes)) {
				// written under a previous encryption key: write it under the current one
				this.delta.putIfAbsent(attributeName, new AttributeChange(value));
			}
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
		this.repository.events.serializationFailures.increment();
		logger.warn("Dropping session " + this.id + ": its attribute '" + attributeName
				+ "' cannot be decoded (" + ex.getMessage() + ")");
		this.dropped = true;
		this.decoded.clear();
		SessionRecord record = this.stored;
		if (record != null && this.repository.store.delete(record.id()) != null) {
			this.repository.events.publish(new SessionDeletedEvent(this.repository, this));
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
		this.delta.put(attributeName, new AttributeChange(attributeValue));
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
	public boolean isExpired() {
		Duration maxInactiveInterval = getMaxInactiveInterval();
		return !maxInactiveInterval.isNegative()
				&& !this.repository.now().minus(maxInactiveInterval).isBefore(getLastAccessedTime());
	}

	/**
	 * Return the version of the stored record this session was loaded from or last saved as.
	 * @return the version, {@code 0} for a session never saved
	 */
	public long getVersion() {
		SessionRecord record = this.stored;
		return (record != null) ? record.version() : 0;
	}

	@Override
	void flushImmediateIfNecessary() {
		if (this.repository.flushMode == FlushMode.IMMEDIATE) {
			save();
		}
	}

	void save() {
		if (hasNothingToWrite()) {
			return;
		}
		SessionRecord record = this.stored;
		boolean create = this.isNew || record == null;
		String previousId = (!create && !record.id().equals(this.id)) ? record.id() : null;
		boolean principalNameChanged = false;
		String principalName = (record != null) ? record.principalName() : null;
		DeltaSnapshot changes = DeltaSnapshot.of(this.delta);
		if (create || changes.contains(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME)
				|| changes.contains(SPRING_SECURITY_CONTEXT)) {
			String resolved = this.repository.principalNameResolver.resolveIndexValueFor(this);
			principalNameChanged = !Objects.equals(resolved, principalName);
			principalName = resolved;
		}
		Map<String, byte @Nullable []> attributes = this.repository.changeEncoder.encode(this.id, changes, record,
				previousId);
		if (!create && previousId == null && attributes.isEmpty() && !this.maxInactiveIntervalChanged
				&& !principalNameChanged && (!this.lastAccessedTimeChanged
						|| this.repository.savePeriod.skipsTouch(record, this.lastAccessedMillis))) {
			return;
		}
		SessionChange change = new SessionChange(this.id, previousId, create, this.creationMillis,
				(create || this.lastAccessedTimeChanged) ? this.lastAccessedMillis : null,
				(create || this.maxInactiveIntervalChanged) ? this.maxInactiveMillis : null,
				principalNameChanged, principalName, attributes);
		try {
			this.repository.sizeLimit.check(record, change);
		}
		catch (SessionTooLargeException ex) {
			// the stored version stays; the refused changes (or the refused new session) are not
			// tried again by a later save
			changes.removeFrom(this.delta);
			this.dropped = create;
			throw ex;
		}
		SessionRecord saved = this.repository.store.save(change);
		if (saved == null) {
			logger.debug("Session " + this.id + " is no longer stored; its changes are dropped");
			this.dropped = true;
			return;
		}
		this.stored = saved;
		this.isNew = false;
		timesWritten();
		changes.written(this.decoded, this.delta);
		if (create) {
			this.repository.events.created(this);
		}
	}

	/**
	 * Whether a save would write nothing: the session is dropped, or stored and unchanged but,
	 * perhaps, for an access time the save period lets go unwritten.
	 */
	boolean hasNothingToWrite() {
		SessionRecord record = this.stored;
		return this.dropped || (!this.isNew && record != null && isUnchangedBut(record));
	}

	/**
	 * Whether a stored session has nothing to write but, perhaps, an access time the save
	 * period lets go unwritten: what most saves find (Spring Session's filter saves at least
	 * once a request, twice when the response is committed first), answered without building
	 * the change.
	 */
	private boolean isUnchangedBut(SessionRecord record) {
		return this.delta.isEmpty() && !this.maxInactiveIntervalChanged && record.id().equals(this.id)
				&& this.repository.saveMode != SaveMode.ALWAYS
				&& (!this.lastAccessedTimeChanged
						|| this.repository.savePeriod.skipsTouch(record, this.lastAccessedMillis));
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
