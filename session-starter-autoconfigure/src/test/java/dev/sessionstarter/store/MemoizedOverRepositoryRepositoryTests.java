package dev.sessionstarter.store;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import org.springframework.session.Session;
import org.springframework.session.events.SessionExpiredEvent;

import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.memoized.ClockedMapSessionRepository;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;
import dev.sessionstarter.store.memoized.RepositorySessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository contract on the memoized store in exclusive coherence in front of an
 * application's own Spring Session repository (a {@code MapSessionRepository}). It lives in
 * this package to replace the purge test: such a repository expires sessions by itself, so the
 * purge removes nothing from it and only drops expired copies from the cache (quietly: a
 * repository that publishes its own events, such as Redis's indexed one, reports the expiry).
 */
class MemoizedOverRepositoryRepositoryTests extends SessionRepositoryContractTests {

	private final Map<String, Integer> writes = new ConcurrentHashMap<>();

	private final Map<String, Session> sessions = new ConcurrentHashMap<>() {

		@Override
		public Session put(String id, Session session) {
			MemoizedOverRepositoryRepositoryTests.this.writes.merge(id, 1, Integer::sum);
			return super.put(id, session);
		}

	};

	@Override
	protected SessionStore createStore(Clock clock) {
		ClockedMapSessionRepository repository = new ClockedMapSessionRepository(this.sessions, clock);
		RepositorySessionStore delegate = new RepositorySessionStore(repository,
				new JavaSessionSerializer(List.of("dev.sessionstarter.**"), null));
		return new MemoizedSessionStore(delegate, new MemorySessionStore(64L * 1024 * 1024, 100_000, 0.9, clock),
				Coherence.EXCLUSIVE);
	}

	@Override
	protected long storedSessions() {
		return this.sessions.size();
	}

	/**
	 * The repository's sessions carry no version: count the writes to its map instead.
	 */
	@Override
	protected long storedVersion(String id) {
		assertThat(this.sessions).containsKey(id);
		return this.writes.getOrDefault(id, 0);
	}

	@Override
	@Test
	void purgesExpiredSessions() {
		StoredSession old = saved("a", 1);
		this.clock.advance(old.getMaxInactiveInterval().plusMinutes(1));
		assertThat(this.repository.purgeExpiredSessions()).isZero();
		assertThat(this.repository.findById(old.getId())).isNull();
		assertThat(this.sessions).isEmpty();
		assertThat(this.events).filteredOn(SessionExpiredEvent.class::isInstance).isEmpty();
	}

}
