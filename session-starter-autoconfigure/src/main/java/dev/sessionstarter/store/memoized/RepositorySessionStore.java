package dev.sessionstarter.store.memoized;

import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.MapSession;
import org.springframework.session.PrincipalNameIndexResolver;
import org.springframework.session.Session;
import org.springframework.session.SessionIdGenerator;
import org.springframework.session.SessionRepository;
import org.springframework.session.UuidSessionIdGenerator;
import org.springframework.util.Assert;
import org.springframework.util.ReflectionUtils;

import dev.sessionstarter.serialization.SessionSerializer;
import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.RemovalListener;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreUsage;

/**
 * A {@link SessionStore} over an application's own Spring Session {@link SessionRepository}
 * (Redis, JDBC, or any other), so that a {@link MemoizedSessionStore} can front it.
 *
 * <p>A record is the repository's session with its attribute values encoded by the
 * {@link SessionSerializer}, so a cache counts their bytes exactly. A change is applied by
 * loading the session from the repository, setting and removing the changed attributes,
 * renaming it and updating its times, and saving it; repositories that save only what changed
 * (Redis, JDBC) thereby keep the attributes other processes changed meanwhile.
 *
 * <p>Session ids are the ones the starter's repository generates: this store takes over the
 * repository's {@link SessionIdGenerator} (through its {@code setSessionIdGenerator} method,
 * which Spring Session's repositories have) so that creating or renaming a session uses the id
 * given; at other times that generator makes random UUIDs.
 *
 * <p>What it does not do: it keeps no version (records carry version 0, so
 * {@link #supportsVersionCheck()} is {@code false} and a cache in front must be exclusive);
 * {@link #purgeExpired(Instant)} removes nothing (the repository expires sessions by itself);
 * it cannot count sessions ({@link #usage()} reports {@code -1}); and it finds sessions by
 * principal only when the repository is a {@link FindByIndexNameSessionRepository}.
 */
public final class RepositorySessionStore implements SessionStore {

	private final SessionRepository<Session> repository;

	private final SessionSerializer serializer;

	private final PrincipalNameIndexResolver<Session> principalNameResolver = new PrincipalNameIndexResolver<>();

	private final ThreadLocal<@Nullable String> nextId = new ThreadLocal<>();

	private volatile RemovalListener removalListener = RemovalListener.NONE;

	/**
	 * Create a store over a repository and set the repository's id generator.
	 * @param repository the repository; it must have a {@code setSessionIdGenerator} method
	 * @param serializer how attribute values are encoded in records
	 * @throws IllegalArgumentException if the repository's ids cannot be set
	 */
	@SuppressWarnings("unchecked")
	public RepositorySessionStore(SessionRepository<? extends Session> repository, SessionSerializer serializer) {
		Assert.notNull(repository, "'repository' must not be null");
		Assert.notNull(serializer, "'serializer' must not be null");
		Method setter = ReflectionUtils.findMethod(repository.getClass(), "setSessionIdGenerator",
				SessionIdGenerator.class);
		Assert.isTrue(setter != null, () -> repository.getClass().getName()
				+ " has no setSessionIdGenerator(SessionIdGenerator) method, so sessions cannot keep their ids");
		ReflectionUtils.makeAccessible(setter);
		SessionIdGenerator generator = this::generateId;
		ReflectionUtils.invokeMethod(setter, repository, generator);
		this.repository = (SessionRepository<Session>) repository;
		this.serializer = serializer;
	}

	@Override
	public String type() {
		return "repository";
	}

	@Override
	public @Nullable SessionRecord find(String id) {
		Session session = this.repository.findById(id);
		return (session != null) ? toRecord(session) : null;
	}

	@Override
	public @Nullable SessionRecord save(SessionChange change) {
		Session session = null;
		if (change.isRename()) {
			session = this.repository.findById(Objects.requireNonNull(change.previousId()));
			if (session != null) {
				Session renamed = session;
				withId(change.id(), renamed::changeSessionId);
			}
		}
		else if (!change.isCreate()) {
			session = this.repository.findById(change.id());
		}
		if (session == null) {
			if (!change.isCreate()) {
				return null;
			}
			session = withId(change.id(), this.repository::createSession);
			if (session instanceof MapSession mapSession) {
				mapSession.setCreationTime(Instant.ofEpochMilli(change.creationTime()));
			}
		}
		Assert.state(session.getId().equals(change.id()), () -> "The repository did not take the session id");
		apply(session, change);
		this.repository.save(session);
		return toRecord(session);
	}

	private void apply(Session session, SessionChange change) {
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

	private <T> T withId(String id, Supplier<T> action) {
		this.nextId.set(id);
		try {
			return action.get();
		}
		finally {
			this.nextId.remove();
		}
	}

	private String generateId() {
		String id = this.nextId.get();
		return (id != null) ? id : UuidSessionIdGenerator.getInstance().generate();
	}

	@Override
	public @Nullable SessionRecord delete(String id) {
		Session session = this.repository.findById(id);
		if (session == null) {
			return null;
		}
		this.repository.deleteById(id);
		return toRecord(session);
	}

	@Override
	public boolean deleteIfExpired(String id, Instant now) {
		Session session = this.repository.findById(id);
		if (session == null) {
			return false;
		}
		SessionRecord record = toRecord(session);
		if (!record.isExpired(now)) {
			return false;
		}
		this.repository.deleteById(id);
		this.removalListener.removed(record, RemovalCause.EXPIRED);
		return true;
	}

	@Override
	@SuppressWarnings("unchecked")
	public Collection<SessionRecord> findByPrincipalName(String principalName) {
		if (!(this.repository instanceof FindByIndexNameSessionRepository<?> indexed)) {
			return List.of();
		}
		Map<String, ? extends Session> sessions = ((FindByIndexNameSessionRepository<Session>) indexed)
			.findByPrincipalName(principalName);
		List<SessionRecord> records = new ArrayList<>(sessions.size());
		sessions.values().forEach((session) -> records.add(toRecord(session)));
		return records;
	}

	/**
	 * Remove nothing: the repository expires its sessions by itself.
	 * @param now the current time
	 * @return {@code 0}
	 */
	@Override
	public int purgeExpired(Instant now) {
		return 0;
	}

	/**
	 * Return an unknown usage: a repository does not tell how many sessions it holds.
	 * @return {@code -1} sessions, {@code -1} bytes, no bound
	 */
	@Override
	public StoreUsage usage() {
		return new StoreUsage(-1, -1, -1);
	}

	/**
	 * Return {@code false}: the repository keeps no version of its sessions.
	 * @return {@code false}
	 */
	@Override
	public boolean supportsVersionCheck() {
		return false;
	}

	@Override
	public void setRemovalListener(RemovalListener listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.removalListener = listener;
	}

	private SessionRecord toRecord(Session session) {
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

}
