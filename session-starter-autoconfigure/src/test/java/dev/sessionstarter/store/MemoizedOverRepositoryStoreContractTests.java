package dev.sessionstarter.store;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import org.springframework.session.Session;

import dev.sessionstarter.serialization.JsonSessionSerializer;
import dev.sessionstarter.store.memoized.ClockedMapSessionRepository;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedStoreContractTests;
import dev.sessionstarter.store.memoized.RepositorySessionStore;

import static dev.sessionstarter.store.TestSessionChanges.create;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract on the memoized store in exclusive coherence in front of an application's
 * own Spring Session repository (through {@link RepositorySessionStore}), where it applies: such
 * a repository keeps no version (records carry version 0), cannot count its sessions, and
 * expires sessions by itself, so a purge removes nothing from it. Those clauses are replaced by
 * what the repository does; this test lives here to override them. The repository holds decoded
 * values, so they go through the json serializer, which keeps the contract's JSON numbers as they are.
 */
class MemoizedOverRepositoryStoreContractTests extends MemoizedStoreContractTests {

	private final Map<String, Session> sessions = new ConcurrentHashMap<>();

	@Override
	protected SessionStore createDelegate() {
		return new RepositorySessionStore(new ClockedMapSessionRepository(this.sessions, Clock.systemUTC()),
				new JsonSessionSerializer(JsonSessionSerializer.DEFAULT_ALLOWED, null));
	}

	@Override
	protected Coherence coherence() {
		return Coherence.EXCLUSIVE;
	}

	@Override
	protected long storedSessions(long sessions) {
		assertThat(this.sessions).hasSize((int) sessions);
		return -1;
	}

	@Override
	protected void assertNewer(SessionRecord later, SessionRecord earlier) {
		assertThat(later.version()).isZero();
		assertThat(earlier.version()).isZero();
	}

	@Override
	@Test
	void purgeRemovesExpiredSessionsAndReportsEachAsExpired() {
		String id = newId();
		this.store.save(create(id));
		assertThat(this.store.purgeExpired(afterTimeout())).isZero();
		assertThat(this.sessions).containsOnlyKeys(id);
		assertThat(this.store.deleteIfExpired(id, afterTimeout())).isTrue();
		assertThat(this.removals).containsExactly(new Removal(id, RemovalCause.EXPIRED));
		assertThat(this.sessions).isEmpty();
	}

}
