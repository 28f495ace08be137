package dev.sessionstarter.store;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.serializer.support.SerializationFailedException;
import org.springframework.session.SaveMode;
import org.springframework.session.events.SessionDeletedEvent;
import org.springframework.util.Assert;

/**
 * The attributes of a {@link StoredSession}: the values a request reads, decoded from the stored
 * record on first read by the repository's serializer, and the changes it makes (the delta),
 * which {@link StoredSession}'s save writes. A value that cannot be decoded drops the session:
 * it is deleted, counted and logged, and the request goes on without its attributes.
 */
abstract sealed class AttributedSession extends TimedSession permits StoredSession {

	/** Logs under the repository's name, as the session's work is the repository's. */
	private static final Log logger = LogFactory.getLog(StoreSessionRepository.class);

	final StoreSessionRepository repository;

	@Nullable SessionRecord stored;

	String id;

	boolean dropped;

	/** The values decoded or written; like the delta, 4 slots at first: a request uses few. */
	final Map<String, Object> decoded = new ConcurrentHashMap<>(2);

	/**
	 * The attributes changed since the last save, each change a new {@link AttributeChange}, so
	 * that a save removes only the changes it wrote, not one made meanwhile with the same value.
	 */
	final Map<String, AttributeChange> delta = new ConcurrentHashMap<>(2);

	AttributedSession(StoreSessionRepository repository, SessionRecord record) {
		super(record.creationTime(), record.lastAccessedTime(), record.maxInactiveMillis());
		this.repository = repository;
		this.stored = record;
		this.id = record.id();
	}

	AttributedSession(StoreSessionRepository repository, String id, Instant now, Duration maxInactiveInterval) {
		super(now, maxInactiveInterval);
		this.repository = repository;
		this.id = id;
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

}
