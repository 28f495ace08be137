package dev.sessionstarter.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.FlushMode;
import org.springframework.session.SaveMode;
import org.springframework.session.Session;

/**
 * A session of a {@link StoreSessionRepository}, which creates and loads it: it records the
 * changes a request makes (its delta), which the repository's save hands to the store, and it
 * decodes attribute values lazily. Its attributes may be read and changed by several threads of
 * one request at once (an asynchronous request's own thread and the container's), as the
 * Servlet specification asks of a session: a change made while the session is being saved is
 * kept for the next save rather than lost.
 */
public final class StoredSession extends AttributedSession {

	/** Logs under the repository's name, as the session's work is the repository's. */
	private static final Log logger = LogFactory.getLog(StoreSessionRepository.class);

	private static final String SPRING_SECURITY_CONTEXT = "SPRING_SECURITY_CONTEXT";

	private boolean isNew;

	StoredSession(StoreSessionRepository repository, SessionRecord record) {
		super(repository, record);
	}

	StoredSession(StoreSessionRepository repository, String id, Instant now, Duration maxInactiveInterval) {
		super(repository, id, now, maxInactiveInterval);
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
