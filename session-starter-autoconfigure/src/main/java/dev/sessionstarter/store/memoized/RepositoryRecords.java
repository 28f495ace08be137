package dev.sessionstarter.store.memoized;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.session.PrincipalNameIndexResolver;
import org.springframework.session.Session;

import dev.sessionstarter.serialization.SessionSerializer;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;

/**
 * How a {@link RepositorySessionStore} turns a repository's session into a record (its attribute
 * values encoded by the {@link SessionSerializer}, version 0) and applies a change to a session.
 */
final class RepositoryRecords {

	private final SessionSerializer serializer;

	private final PrincipalNameIndexResolver<Session> principalNameResolver = new PrincipalNameIndexResolver<>();

	RepositoryRecords(SessionSerializer serializer) {
		this.serializer = serializer;
	}

	/**
	 * Return the record of a session.
	 * @param session the repository's session
	 * @return the record, at version 0
	 */
	SessionRecord toRecord(Session session) {
		List<String> names = new ArrayList<>(session.getAttributeNames().size());
		List<byte[]> values = new ArrayList<>(names.size());
		for (String name : session.getAttributeNames()) {
			Object value = session.getAttribute(name);
			if (value != null) {
				names.add(name);
				values.add(this.serializer.serialize(session.getId(), name, value));
			}
		}
		return new SessionRecord(session.getId(), session.getCreationTime().toEpochMilli(),
				session.getLastAccessedTime().toEpochMilli(), session.getMaxInactiveInterval().toMillis(),
				this.principalNameResolver.resolveIndexValueFor(session), names.toArray(new String[0]),
				values.toArray(new byte[0][]), 0);
	}

	/**
	 * Set and remove the changed attributes of a session and update its times; the access time
	 * never goes back, except on the session's creation.
	 * @param session the repository's session
	 * @param change the change
	 */
	void apply(Session session, SessionChange change) {
		for (Map.Entry<String, byte @Nullable []> attribute : change.attributes().entrySet()) {
			byte[] value = attribute.getValue();
			if (value != null) {
				session.setAttribute(attribute.getKey(),
						this.serializer.deserialize(change.id(), attribute.getKey(), value));
			}
			else {
				session.removeAttribute(attribute.getKey());
			}
		}
		Long lastAccessedTime = change.lastAccessedTime();
		if (lastAccessedTime != null) {
			long current = session.getLastAccessedTime().toEpochMilli();
			session.setLastAccessedTime(
					Instant.ofEpochMilli(change.isCreate() ? lastAccessedTime : Math.max(lastAccessedTime, current)));
		}
		Long maxInactiveMillis = change.maxInactiveMillis();
		if (maxInactiveMillis != null) {
			session.setMaxInactiveInterval(Duration.ofMillis(maxInactiveMillis));
		}
	}

}
