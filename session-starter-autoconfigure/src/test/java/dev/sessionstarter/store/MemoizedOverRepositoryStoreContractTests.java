package dev.sessionstarter.store;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;

import dev.sessionstarter.serialization.JsonSessionSerializer;
import dev.sessionstarter.store.memoized.ClockedMapSessionRepository;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedStoreContractTests;
import dev.sessionstarter.store.memoized.RepositorySessionStore;

import static dev.sessionstarter.store.TestSessionChanges.create;
import static dev.sessionstarter.store.TestSessionChanges.remove;
import static dev.sessionstarter.store.TestSessionChanges.rename;
import static dev.sessionstarter.store.TestSessionChanges.set;
import static dev.sessionstarter.store.TestSessionChanges.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract on the memoized store in exclusive coherence in front of an application's
 * own Spring Session repository (through {@link RepositorySessionStore}), where it applies: such
 * a repository keeps no version (records carry version 0), cannot count its sessions, and
 * expires sessions by itself, so a purge removes nothing from it; and it indexes a session by
 * the principal name attribute the change carries (as the starter's repository sends it), not by
 * the change's principal name alone. Those clauses are replaced by
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
	@Test
	void aChangeMergesIntoTheStoredAttributesAndRaisesTheVersion() {
		String id = newId();
		this.store.save(create(id));
		SessionRecord changed = this.store.save(set(id, "b", "456"));
		assertThat(text(changed, "a")).isEqualTo("123");
		assertThat(text(changed, "b")).isEqualTo("456");
		this.store.save(remove(id, "a"));
		assertThat(this.store.find(id).attributeNames()).containsExactly("b");
		assertThat(this.sessions.get(id).getAttributeNames()).containsExactly("b");
		assertThat(this.store.version(id)).isZero();
	}

	@Override
	@Test
	void aTouchChangesTheAccessTimeAndTimeoutOnly() {
		String id = newId();
		SessionRecord created = this.store.save(create(id));
		long later = created.lastAccessedTime() + 5_000;
		this.store.save(TestSessionChanges.touch(id, later, Duration.ofHours(2)));
		SessionRecord found = this.store.find(id);
		assertThat(found.lastAccessedTime()).isEqualTo(later);
		assertThat(found.maxInactiveInterval()).hasHours(2);
		assertThat(text(found, "a")).isEqualTo("123");
		assertThat(this.sessions.get(id).getLastAccessedTime().toEpochMilli()).isEqualTo(later);
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

	@Override
	@Test
	void aRenameMovesTheSessionAndItsPrincipal() {
		String id = newId();
		String newId = newId();
		this.store.save(create(id));
		this.store.save(principal(id, "alice"));
		assertThat(this.store.save(rename(id, newId)).id()).isEqualTo(newId);
		assertThat(this.store.find(id)).isNull();
		assertThat(text(this.store.find(newId), "a")).isEqualTo("123");
		assertThat(this.store.findByPrincipalName("alice")).extracting(SessionRecord::id).containsExactly(newId);
		assertThat(this.sessions).containsOnlyKeys(newId);
	}

	@Override
	@Test
	void findsSessionsByPrincipalNameAsItChanges() {
		String alice = newId();
		String bob = newId();
		this.store.save(create(alice));
		this.store.save(create(bob));
		this.store.save(principal(alice, "alice"));
		this.store.save(principal(bob, "bob"));
		assertThat(this.store.findByPrincipalName("alice")).extracting(SessionRecord::id).containsExactly(alice);
		this.store.save(principal(alice, null));
		this.store.delete(bob);
		assertThat(this.store.findByPrincipalName("alice")).isEmpty();
		assertThat(this.store.findByPrincipalName("bob")).isEmpty();
	}

	private static SessionChange principal(String id, @Nullable String name) {
		Map<String, byte @Nullable []> attributes = new HashMap<>();
		attributes.put(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME,
				(name != null) ? ("\"" + name + "\"").getBytes(StandardCharsets.UTF_8) : null);
		return new SessionChange(id, null, false, 0, null, null, true, name, attributes);
	}

}
