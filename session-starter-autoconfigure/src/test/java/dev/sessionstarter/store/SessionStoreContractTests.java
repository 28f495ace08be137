package dev.sessionstarter.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.sessionstarter.store.TestSessionChanges.create;
import static dev.sessionstarter.store.TestSessionChanges.principal;
import static dev.sessionstarter.store.TestSessionChanges.remove;
import static dev.sessionstarter.store.TestSessionChanges.rename;
import static dev.sessionstarter.store.TestSessionChanges.set;
import static dev.sessionstarter.store.TestSessionChanges.text;
import static dev.sessionstarter.store.TestSessionChanges.touch;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of the {@link SessionStore} SPI, run directly against a store (beneath any
 * repository); each store's test extends it once per way it can be built, as Spring Session's
 * {@code AbstractJdbcIndexedSessionRepositoryITests} is extended once per database. Sessions are
 * created now with the 30-minute timeout of {@link TestSessionChanges#create(String)}, so a time
 * past {@link #afterTimeout()} finds them expired. Attribute values are JSON numbers, which
 * every format keeps, the json file format included.
 */
public abstract class SessionStoreContractTests {

	/**
	 * The removals the store reported to its listener, in order.
	 */
	protected final List<Removal> removals = new CopyOnWriteArrayList<>();

	protected SessionStore store;

	/**
	 * Create the store under test, empty.
	 * @return the store
	 */
	protected abstract SessionStore createStore();

	@BeforeEach
	void createStoreUnderTest() {
		this.store = createStore();
		this.store.setRemovalListener((record, cause) -> this.removals.add(new Removal(record.id(), cause)));
	}

	/**
	 * Return a fresh valid session id.
	 * @return the id
	 */
	protected static String newId() {
		return UUID.randomUUID().toString();
	}

	/**
	 * Return a time at which every session created by this test has expired.
	 * @return the time
	 */
	protected static Instant afterTimeout() {
		return Instant.now().plus(Duration.ofMinutes(31));
	}

	@Test
	void knowsNothingOfAnIdNeverStored() {
		String id = newId();
		assertThat(this.store.find(id)).isNull();
		assertThat(this.store.version(id)).isNull();
		assertThat(this.store.delete(id)).isNull();
		assertThat(this.store.deleteIfExpired(id, afterTimeout())).isFalse();
		assertThat(this.removals).isEmpty();
	}

	@Test
	void findsACreatedSessionWithItsAttributesAndVersion() {
		String id = newId();
		SessionChange change = create(id);
		SessionRecord saved = this.store.save(change);
		assertThat(saved.id()).isEqualTo(id);
		assertThat(text(saved, "a")).isEqualTo("123");
		SessionRecord found = this.store.find(id);
		assertThat(found.id()).isEqualTo(id);
		assertThat(found.attributeNames()).containsExactly("a");
		assertThat(text(found, "a")).isEqualTo("123");
		assertThat(found.creationTime()).isEqualTo(change.creationTime());
		assertThat(found.lastAccessedTime()).isEqualTo(change.lastAccessedTime());
		assertThat(found.maxInactiveMillis()).isEqualTo(change.maxInactiveMillis());
		assertThat(found.version()).isEqualTo(saved.version());
		assertThat(this.store.version(id)).isEqualTo(saved.version());
	}

	@Test
	void aChangeMergesIntoTheStoredAttributesAndRaisesTheVersion() {
		String id = newId();
		SessionRecord created = this.store.save(create(id));
		SessionRecord changed = this.store.save(set(id, "b", "456"));
		assertNewer(changed, created);
		assertThat(text(changed, "a")).isEqualTo("123");
		assertThat(text(changed, "b")).isEqualTo("456");
		SessionRecord removed = this.store.save(remove(id, "a"));
		assertNewer(removed, changed);
		SessionRecord found = this.store.find(id);
		assertThat(found.attributeNames()).containsExactly("b");
		assertThat(found.version()).isEqualTo(removed.version());
		assertThat(this.store.version(id)).isEqualTo(removed.version());
	}

	@Test
	void aTouchChangesTheAccessTimeAndTimeoutOnly() {
		String id = newId();
		SessionRecord created = this.store.save(create(id));
		long later = created.lastAccessedTime() + 5_000;
		this.store.save(touch(id, later, Duration.ofHours(2)));
		SessionRecord found = this.store.find(id);
		assertThat(found.lastAccessedTime()).isEqualTo(later);
		assertThat(found.maxInactiveInterval()).isEqualTo(Duration.ofHours(2));
		assertThat(found.creationTime()).isEqualTo(created.creationTime());
		assertThat(text(found, "a")).isEqualTo("123");
		assertNewer(found, created);
	}

	@Test
	void aRenameMovesTheSessionAndItsPrincipal() {
		String id = newId();
		String newId = newId();
		this.store.save(create(id));
		this.store.save(principal(id, "alice"));
		SessionRecord renamed = this.store.save(rename(id, newId));
		assertThat(renamed.id()).isEqualTo(newId);
		assertThat(this.store.find(id)).isNull();
		assertThat(this.store.version(id)).isNull();
		assertThat(text(this.store.find(newId), "a")).isEqualTo("123");
		assertThat(this.store.findByPrincipalName("alice")).extracting(SessionRecord::id).containsExactly(newId);
		assertThat(this.store.usage().sessions()).isEqualTo(storedSessions(1));
	}

	@Test
	void aChangeToADeletedSessionIsDropped() {
		String id = newId();
		this.store.save(create(id));
		assertThat(this.store.delete(id)).isNotNull();
		assertThat(this.store.save(set(id, "b", "456"))).isNull();
		assertThat(this.store.find(id)).isNull();
		assertThat(this.store.save(set(newId(), "b", "456"))).isNull();
		assertThat(this.store.usage().sessions()).isEqualTo(storedSessions(0));
	}

	@Test
	void deleteReturnsTheRemovedSessionOnceAndReportsNoRemoval() {
		String id = newId();
		this.store.save(create(id));
		this.store.save(set(id, "b", "456"));
		SessionRecord deleted = this.store.delete(id);
		assertThat(deleted.id()).isEqualTo(id);
		assertThat(text(deleted, "b")).isEqualTo("456");
		assertThat(this.store.delete(id)).isNull();
		assertThat(this.store.find(id)).isNull();
		assertThat(this.removals).isEmpty();
	}

	@Test
	void deleteIfExpiredRemovesOnlyAnExpiredSessionAndReportsIt() {
		String id = newId();
		this.store.save(create(id));
		assertThat(this.store.deleteIfExpired(id, Instant.now())).isFalse();
		assertThat(this.store.find(id)).isNotNull();
		assertThat(this.store.deleteIfExpired(id, afterTimeout())).isTrue();
		assertThat(this.store.find(id)).isNull();
		assertThat(this.removals).containsExactly(new Removal(id, RemovalCause.EXPIRED));
	}

	@Test
	void findsSessionsByPrincipalNameAsItChanges() {
		String alice = newId();
		String alsoAlice = newId();
		String bob = newId();
		for (String id : List.of(alice, alsoAlice, bob)) {
			this.store.save(create(id));
		}
		this.store.save(principal(alice, "alice"));
		this.store.save(principal(alsoAlice, "alice"));
		this.store.save(principal(bob, "bob"));
		assertThat(this.store.findByPrincipalName("alice")).extracting(SessionRecord::id)
			.containsExactlyInAnyOrder(alice, alsoAlice);
		this.store.save(principal(alsoAlice, null));
		this.store.delete(bob);
		assertThat(this.store.findByPrincipalName("alice")).extracting(SessionRecord::id).containsExactly(alice);
		assertThat(this.store.findByPrincipalName("bob")).isEmpty();
		assertThat(this.store.findByPrincipalName("nobody")).isEmpty();
	}

	@Test
	void purgeRemovesExpiredSessionsAndReportsEachAsExpired() {
		String old = newId();
		String young = newId();
		String forever = newId();
		this.store.save(create(old));
		this.store.save(create(young));
		this.store.save(create(forever));
		Instant purgeTime = afterTimeout();
		this.store.save(touch(young, purgeTime.toEpochMilli(), Duration.ofMinutes(30)));
		this.store.save(touch(forever, 0, Duration.ofSeconds(-1)));
		assertThat(this.store.purgeExpired(Instant.now())).isZero();
		assertThat(this.store.purgeExpired(purgeTime)).isOne();
		assertThat(this.removals).containsExactly(new Removal(old, RemovalCause.EXPIRED));
		assertThat(this.store.find(old)).isNull();
		assertThat(this.store.find(young)).isNotNull();
		assertThat(this.store.find(forever)).isNotNull();
		assertThat(this.store.usage().sessions()).isEqualTo(storedSessions(2));
	}

	@Test
	void usageCountsTheStoredSessions() {
		assertThat(this.store.usage().sessions()).isEqualTo(storedSessions(0));
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			ids.add(newId());
			this.store.save(create(ids.get(i)));
		}
		assertThat(this.store.usage().sessions()).isEqualTo(storedSessions(3));
		this.store.delete(ids.get(0));
		assertThat(this.store.usage().sessions()).isEqualTo(storedSessions(2));
	}

	@Test
	void concurrentSavesOfDifferentAttributesOfOneSessionAreAllKept() throws Exception {
		String id = newId();
		this.store.save(create(id));
		int threads = 4;
		int saves = 50;
		CyclicBarrier start = new CyclicBarrier(threads);
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				String name = "thread-" + t;
				futures.add(executor.submit(() -> {
					start.await();
					for (int i = 0; i < saves; i++) {
						assertThat(this.store.save(set(id, name, Integer.toString(i)))).isNotNull();
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		SessionRecord found = this.store.find(id);
		assertThat(text(found, "a")).isEqualTo("123");
		for (int t = 0; t < threads; t++) {
			assertThat(text(found, "thread-" + t)).as("thread %d", t).isEqualTo(Integer.toString(saves - 1));
		}
	}

	/**
	 * Assert that a record is a later version of a session than another.
	 * @param later the record after a change
	 * @param earlier the record before it
	 */
	protected void assertNewer(SessionRecord later, SessionRecord earlier) {
		assertThat(later.version()).isGreaterThan(earlier.version());
	}

	/**
	 * Return what {@link StoreUsage#sessions()} reports when the store holds a number of
	 * sessions: that number, or {@code -1} for stores that cannot count them.
	 * @param sessions the sessions stored
	 * @return the expected usage
	 */
	protected long storedSessions(long sessions) {
		return sessions;
	}

	/**
	 * A removal the store reported to its listener.
	 *
	 * @param id the session id
	 * @param cause why it was removed
	 */
	protected record Removal(String id, RemovalCause cause) {
	}

}
