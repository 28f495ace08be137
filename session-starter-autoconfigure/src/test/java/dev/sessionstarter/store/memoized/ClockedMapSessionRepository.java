package dev.sessionstarter.store.memoized;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.MapSession;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.PrincipalNameIndexResolver;
import org.springframework.session.Session;
import org.springframework.session.SessionIdGenerator;
import org.springframework.session.UuidSessionIdGenerator;

/**
 * Spring Session's {@link MapSessionRepository} as an application's own repository in tests,
 * with two additions a real one (Redis) has: it expires sessions by a clock the test moves, and
 * it finds sessions by principal name. Like {@code MapSessionRepository} (and Redis) it drops an
 * expired session when it is looked up.
 */
public class ClockedMapSessionRepository extends MapSessionRepository
		implements FindByIndexNameSessionRepository<MapSession> {

	private final Map<String, Session> sessions;

	private final Clock clock;

	private final PrincipalNameIndexResolver<Session> principalNameResolver = new PrincipalNameIndexResolver<>();

	private SessionIdGenerator sessionIdGenerator = UuidSessionIdGenerator.getInstance();

	public ClockedMapSessionRepository(Map<String, Session> sessions, Clock clock) {
		super(sessions);
		this.sessions = sessions;
		this.clock = clock;
	}

	@Override
	public void setSessionIdGenerator(SessionIdGenerator sessionIdGenerator) {
		super.setSessionIdGenerator(sessionIdGenerator);
		this.sessionIdGenerator = sessionIdGenerator;
	}

	@Override
	public @Nullable MapSession findById(String id) {
		Session saved = this.sessions.get(id);
		if (saved == null) {
			return null;
		}
		if (isExpired(saved)) {
			deleteById(id);
			return null;
		}
		MapSession result = new MapSession(saved);
		result.setSessionIdGenerator(this.sessionIdGenerator);
		return result;
	}

	@Override
	public Map<String, MapSession> findByIndexNameAndIndexValue(String indexName, String indexValue) {
		Map<String, MapSession> found = new LinkedHashMap<>();
		if (PRINCIPAL_NAME_INDEX_NAME.equals(indexName)) {
			for (Session session : this.sessions.values()) {
				if (!isExpired(session)
						&& indexValue.equals(this.principalNameResolver.resolveIndexValueFor(session))) {
					found.put(session.getId(), new MapSession(session));
				}
			}
		}
		return found;
	}

	private boolean isExpired(Session session) {
		return !session.getMaxInactiveInterval().isNegative() && !this.clock.instant()
			.minus(session.getMaxInactiveInterval())
			.isBefore(session.getLastAccessedTime());
	}

}
