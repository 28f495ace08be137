package dev.sessionstarter.store.memoized;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.MapSession;
import org.springframework.session.Session;
import org.springframework.session.SessionIdGenerator;
import org.springframework.session.SessionRepository;
import org.springframework.util.Assert;

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

	private final RepositoryRecords records;

	private final RepositorySessionIds ids;

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
		this.ids = RepositorySessionIds.takeOver(repository);
		this.repository = (SessionRepository<Session>) repository;
		this.records = new RepositoryRecords(serializer);
	}

	@Override
	public String type() {
		return "repository";
	}

	@Override
	public @Nullable SessionRecord find(String id) {
		Session session = this.repository.findById(id);
		return (session != null) ? this.records.toRecord(session) : null;
	}

	@Override
	public @Nullable SessionRecord save(SessionChange change) {
		Session session = null;
		if (change.isRename()) {
			session = this.repository.findById(Objects.requireNonNull(change.previousId()));
			if (session != null) {
				Session renamed = session;
				this.ids.withId(change.id(), renamed::changeSessionId);
			}
		}
		else if (!change.isCreate()) {
			session = this.repository.findById(change.id());
		}
		if (session == null) {
			if (!change.isCreate()) {
				return null;
			}
			session = this.ids.withId(change.id(), this.repository::createSession);
			if (session instanceof MapSession mapSession) {
				mapSession.setCreationTime(Instant.ofEpochMilli(change.creationTime()));
			}
		}
		Assert.state(session.getId().equals(change.id()), () -> "The repository did not take the session id");
		this.records.apply(session, change);
		this.repository.save(session);
		return this.records.toRecord(session);
	}

	@Override
	public @Nullable SessionRecord delete(String id) {
		Session session = this.repository.findById(id);
		if (session == null) {
			return null;
		}
		this.repository.deleteById(id);
		return this.records.toRecord(session);
	}

	@Override
	public boolean deleteIfExpired(String id, Instant now) {
		Session session = this.repository.findById(id);
		if (session == null) {
			return false;
		}
		SessionRecord record = this.records.toRecord(session);
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
		sessions.values().forEach((session) -> records.add(this.records.toRecord(session)));
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

}
