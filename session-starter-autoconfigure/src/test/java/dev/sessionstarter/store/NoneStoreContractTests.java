package dev.sessionstarter.store;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.sessionstarter.store.none.NoneSessionStore;

import static dev.sessionstarter.store.TestSessionChanges.create;
import static dev.sessionstarter.store.TestSessionChanges.principal;
import static dev.sessionstarter.store.TestSessionChanges.rename;
import static dev.sessionstarter.store.TestSessionChanges.set;
import static dev.sessionstarter.store.TestSessionChanges.text;
import static dev.sessionstarter.store.TestSessionChanges.touch;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract on the none store, which keeps nothing: a create returns the new record
 * (the request that made the session uses it) and every later change, find or delete finds no
 * session. Each clause of the contract that needs a stored session is replaced by that promise;
 * the store lives in its own package, so this test lives here to override them.
 */
class NoneStoreContractTests extends SessionStoreContractTests {

	@Override
	protected SessionStore createStore() {
		return NoneSessionStore.INSTANCE;
	}

	@Override
	protected long storedSessions(long sessions) {
		return 0;
	}

	@Override
	@Test
	void findsACreatedSessionWithItsAttributesAndVersion() {
		String id = newId();
		SessionRecord created = this.store.save(create(id));
		assertThat(created.id()).isEqualTo(id);
		assertThat(text(created, "a")).isEqualTo("123");
		assertThat(this.store.find(id)).isNull();
		assertThat(this.store.version(id)).isNull();
	}

	@Override
	@Test
	void aChangeMergesIntoTheStoredAttributesAndRaisesTheVersion() {
		assertDropped(set(createdId(), "b", "456"));
	}

	@Override
	@Test
	void aTouchChangesTheAccessTimeAndTimeoutOnly() {
		assertDropped(touch(createdId(), System.currentTimeMillis(), Duration.ofHours(2)));
	}

	@Override
	@Test
	void aRenameMovesTheSessionAndItsPrincipal() {
		String id = createdId();
		assertDropped(principal(id, "alice"));
		assertDropped(rename(id, newId()));
		assertThat(this.store.findByPrincipalName("alice")).isEmpty();
	}

	@Override
	@Test
	void aChangeToADeletedSessionIsDropped() {
		String id = createdId();
		assertThat(this.store.delete(id)).isNull();
		assertDropped(set(id, "b", "456"));
	}

	@Override
	@Test
	void deleteReturnsTheRemovedSessionOnceAndReportsNoRemoval() {
		assertThat(this.store.delete(createdId())).isNull();
		assertThat(this.removals).isEmpty();
	}

	@Override
	@Test
	void deleteIfExpiredRemovesOnlyAnExpiredSessionAndReportsIt() {
		assertThat(this.store.deleteIfExpired(createdId(), afterTimeout())).isFalse();
		assertThat(this.removals).isEmpty();
	}

	@Override
	@Test
	void findsSessionsByPrincipalNameAsItChanges() {
		assertDropped(principal(createdId(), "alice"));
		assertThat(this.store.findByPrincipalName("alice")).isEmpty();
	}

	@Override
	@Test
	void purgeRemovesExpiredSessionsAndReportsEachAsExpired() {
		createdId();
		assertThat(this.store.purgeExpired(afterTimeout())).isZero();
		assertThat(this.removals).isEmpty();
	}

	@Override
	@Test
	void concurrentSavesOfDifferentAttributesOfOneSessionAreAllKept() {
		String id = createdId();
		assertDropped(set(id, "thread-0", "0"));
		assertThat(this.store.usage()).isEqualTo(StoreUsage.EMPTY);
		assertThat(this.store.purgeExpired(Instant.now())).isZero();
	}

	private String createdId() {
		String id = newId();
		assertThat(this.store.save(create(id))).isNotNull();
		return id;
	}

	private void assertDropped(SessionChange change) {
		assertThat(this.store.save(change)).isNull();
		assertThat(this.store.find(change.id())).isNull();
	}

}
