package dev.sessionstarter.store.memoized;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.sessionstarter.lock.MemorySessionLockManager;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.MutableClock;
import dev.sessionstarter.store.RemovalListener;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.StoreUsage;
import dev.sessionstarter.store.TestSessionChanges;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The memoized store's own behaviour: cache bounds that never lose a session, write-through
 * that never hides a failure, validation against the delegate, and the exclusive mode's locks.
 */
class MemoizedSessionStoreTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final JavaSessionSerializer serializer = new JavaSessionSerializer(List.of(), null);

	private final CountingStore delegate = new CountingStore(
			new MemorySessionStore(64L * 1024 * 1024, 0.75, this.clock));

	private final List<Object> events = new ArrayList<>();

	private StoreSessionRepository repository(SessionStore store) {
		StoreSessionRepository repository = new StoreSessionRepository(store, this.serializer);
		repository.setClock(this.clock);
		repository.setApplicationEventPublisher(this.events::add);
		return repository;
	}

	private MemorySessionStore cache(long maxSessions) {
		return new MemorySessionStore(64L * 1024 * 1024, maxSessions, 0.9, this.clock);
	}

	private static String saved(StoreSessionRepository repository, String name, Object value) {
		StoredSession session = repository.createSession();
		session.setAttribute(name, value);
		repository.save(session);
		return session.getId();
	}

	@Test
	void aCacheEvictionKeepsTheSessionInTheDelegateAndIsNotASessionEviction() {
		MemoizedSessionStore store = new MemoizedSessionStore(this.delegate, cache(10), Coherence.VALIDATE);
		StoreSessionRepository repository = repository(store);
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			ids.add(saved(repository, "n", i));
		}
		CacheStatistics cache = store.cacheStatistics();
		assertThat(cache.sessions()).isLessThanOrEqualTo(10);
		assertThat(cache.evictions()).isGreaterThanOrEqualTo(40);
		assertThat(repository.getStatistics().evicted()).isZero();
		assertThat(repository.getStatistics().usage().sessions()).isEqualTo(50);
		assertThat(this.events).hasSize(50);
		for (int i = 0; i < 50; i++) {
			assertThat((Integer) repository.findById(ids.get(i)).getAttribute("n")).isEqualTo(i);
		}
	}

	@Test
	void aStandaloneCacheEvictionIsASessionEviction() {
		MemoizedSessionStore store = MemoizedSessionStore.standalone(cache(10));
		StoreSessionRepository repository = repository(store);
		for (int i = 0; i < 20; i++) {
			saved(repository, "n", i);
		}
		assertThat(store.cacheStatistics().evictions()).isPositive();
		assertThat(repository.getStatistics().evicted()).isEqualTo(store.cacheStatistics().evictions());
		assertThat(repository.getStatistics().usage().sessions()).isEqualTo(store.cacheStatistics().sessions());
		assertThat(store.cacheStatistics().delegate()).isEqualTo("none");
	}

	@Test
	void aDelegateFailureOnSavePropagatesAndDropsTheCachedCopy() {
		MemoizedSessionStore store = new MemoizedSessionStore(this.delegate, cache(100), Coherence.EXCLUSIVE);
		StoreSessionRepository repository = repository(store);
		String id = saved(repository, "a", 1);
		StoredSession session = repository.findById(id);
		session.setAttribute("a", 2);
		this.delegate.failSaves = true;
		assertThatIllegalStateException().isThrownBy(() -> repository.save(session)).withMessage("disk full");
		assertThat(store.cacheStatistics().sessions()).isZero();
		this.delegate.failSaves = false;
		assertThat((Integer) repository.findById(id).getAttribute("a")).isEqualTo(1);
		assertThat(this.delegate.find(id).version()).isEqualTo(store.version(id));
	}

	@Test
	void aNewSessionWhoseSaveFailsIsNotCached() {
		MemoizedSessionStore store = new MemoizedSessionStore(this.delegate, cache(100), Coherence.EXCLUSIVE);
		StoreSessionRepository repository = repository(store);
		StoredSession session = repository.createSession();
		this.delegate.failSaves = true;
		assertThatIllegalStateException().isThrownBy(() -> repository.save(session));
		assertThat(store.cacheStatistics().sessions()).isZero();
		this.delegate.failSaves = false;
		assertThat(repository.findById(session.getId())).isNull();
	}

	@Test
	void validateServesACurrentCopyAfterAVersionCheckOnly() {
		MemoizedSessionStore store = new MemoizedSessionStore(this.delegate, cache(100), Coherence.VALIDATE);
		StoreSessionRepository repository = repository(store);
		String id = saved(repository, "a", 1);
		this.delegate.finds.set(0);
		for (int i = 0; i < 5; i++) {
			assertThat((Integer) repository.findById(id).getAttribute("a")).isEqualTo(1);
		}
		assertThat(this.delegate.finds).hasValue(0);
		assertThat(this.delegate.versionChecks).hasValue(5);
		assertThat(store.cacheStatistics().hits()).isEqualTo(5);
	}

	@Test
	void validateReloadsACopyAnotherProcessChanged() {
		MemoizedSessionStore first = new MemoizedSessionStore(this.delegate, cache(100), Coherence.VALIDATE);
		MemoizedSessionStore second = new MemoizedSessionStore(this.delegate, cache(100), Coherence.VALIDATE);
		StoreSessionRepository one = repository(first);
		StoreSessionRepository two = repository(second);
		String id = saved(one, "a", 1);
		assertThat((Integer) two.findById(id).getAttribute("a")).isEqualTo(1);
		StoredSession changed = one.findById(id);
		changed.setAttribute("a", 2);
		one.save(changed);
		assertThat((Integer) two.findById(id).getAttribute("a")).isEqualTo(2);
		one.deleteById(id);
		assertThat(two.findById(id)).isNull();
		assertThat(second.cacheStatistics().sessions()).isZero();
		assertThat(second.cacheStatistics().misses()).isEqualTo(3);
	}

	@Test
	void exclusiveServesCachedCopiesWithoutAskingTheDelegate() {
		MemoizedSessionStore store = new MemoizedSessionStore(this.delegate, cache(100), Coherence.EXCLUSIVE);
		StoreSessionRepository repository = repository(store);
		String id = saved(repository, "a", 1);
		this.delegate.finds.set(0);
		for (int i = 0; i < 5; i++) {
			assertThat((Integer) repository.findById(id).getAttribute("a")).isEqualTo(1);
		}
		assertThat(this.delegate.finds).hasValue(0);
		assertThat(this.delegate.versionChecks).hasValue(0);
		assertThat(store.cacheStatistics().hitRatio()).isEqualTo(1.0);
	}

	@Test
	void exclusiveHoldsTheLockOfEveryCachedSessionSoAnotherProcessCannotTakeIt() throws Exception {
		MemorySessionLockManager locks = new MemorySessionLockManager();
		MemoizedSessionStore first = exclusive(locks, 100);
		MemoizedSessionStore second = exclusive(locks, 100);
		StoreSessionRepository one = repository(first);
		StoreSessionRepository two = repository(second);
		String id = saved(one, "a", 1);
		assertThat(locks.tryLock(id, Duration.ZERO)).isNull();
		assertThat(first.cacheStatistics().heldLocks()).isOne();
		assertThat((Integer) two.findById(id).getAttribute("a")).isEqualTo(1);
		assertThat(second.cacheStatistics().sessions()).isZero();
		assertThat(second.cacheStatistics().heldLocks()).isZero();
	}

	@Test
	void exclusiveReleasesTheLockWhenTheSessionIsDeleted() throws Exception {
		MemorySessionLockManager locks = new MemorySessionLockManager();
		StoreSessionRepository repository = repository(exclusive(locks, 100));
		String id = saved(repository, "a", 1);
		repository.deleteById(id);
		assertThat(MemoizedTestSupport.isLocked(locks, id)).isFalse();
		assertThat(locks.heldLocks()).isZero();
	}

	@Test
	void exclusiveReleasesTheLockWhenTheSessionIsEvictedFromTheCache() {
		MemorySessionLockManager locks = new MemorySessionLockManager();
		MemoizedSessionStore store = exclusive(locks, 10);
		StoreSessionRepository repository = repository(store);
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			ids.add(saved(repository, "n", i));
			this.clock.advance(Duration.ofSeconds(1));
		}
		assertThat(locks.heldLocks()).isEqualTo(store.cacheStatistics().sessions()).isLessThanOrEqualTo(10);
		assertThat(MemoizedTestSupport.isLocked(locks, ids.get(0))).isFalse();
		assertThat(MemoizedTestSupport.isLocked(locks, ids.get(29))).isTrue();
		StoredSession reloaded = repository.findById(ids.get(0));
		assertThat((Integer) reloaded.getAttribute("n")).isZero();
		reloaded.setLastAccessedTime(this.clock.instant());
		repository.save(reloaded);
		assertThat(MemoizedTestSupport.isLocked(locks, ids.get(0))).isTrue();
		assertThat(locks.heldLocks()).isEqualTo(store.cacheStatistics().sessions());
	}

	@Test
	void exclusiveReleasesTheLockWhenTheSessionExpires() {
		MemorySessionLockManager locks = new MemorySessionLockManager();
		StoreSessionRepository repository = repository(exclusive(locks, 100));
		String purged = saved(repository, "a", 1);
		String accessed = saved(repository, "b", 2);
		this.clock.advance(Duration.ofHours(1));
		assertThat(repository.findById(accessed)).isNull();
		assertThat(MemoizedTestSupport.isLocked(locks, accessed)).isFalse();
		assertThat(repository.purgeExpiredSessions()).isOne();
		assertThat(MemoizedTestSupport.isLocked(locks, purged)).isFalse();
		assertThat(locks.heldLocks()).isZero();
	}

	@Test
	void exclusiveMovesTheLockWhenTheSessionIdChanges() {
		MemorySessionLockManager locks = new MemorySessionLockManager();
		StoreSessionRepository repository = repository(exclusive(locks, 100));
		String id = saved(repository, "a", 1);
		StoredSession session = repository.findById(id);
		String newId = session.changeSessionId();
		repository.save(session);
		assertThat(MemoizedTestSupport.isLocked(locks, id)).isFalse();
		assertThat(MemoizedTestSupport.isLocked(locks, newId)).isTrue();
		assertThat(locks.heldLocks()).isOne();
	}

	@Test
	void closeReleasesEveryLockAndKeepsTheSessions() {
		MemorySessionLockManager locks = new MemorySessionLockManager();
		MemoizedSessionStore store = exclusive(locks, 100);
		StoreSessionRepository repository = repository(store);
		String id = saved(repository, "a", 1);
		saved(repository, "b", 2);
		store.close();
		assertThat(locks.heldLocks()).isZero();
		assertThat(this.delegate.find(id)).isNotNull();
	}

	@Test
	void aSessionTooLargeForTheCacheIsServedFromTheDelegate() {
		MemoizedSessionStore store = new MemoizedSessionStore(this.delegate,
				new MemorySessionStore(4096, 100, 0.9, this.clock), Coherence.EXCLUSIVE);
		StoreSessionRepository repository = repository(store);
		String id = saved(repository, "big", "x".repeat(10_000));
		assertThat(store.cacheStatistics().sessions()).isZero();
		assertThat((String) repository.findById(id).getAttribute("big")).hasSize(10_000);
	}

	@Test
	void validateNeedsADelegateThatCanAnswerTheVersionCheck() {
		SessionStore foreign = new CountingStore(new MemorySessionStore(4096, 0.75, this.clock)) {

			@Override
			public boolean supportsVersionCheck() {
				return false;
			}

		};
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new MemoizedSessionStore(foreign, cache(10), Coherence.VALIDATE))
			.withMessageContaining("exclusive");
	}

	@Test
	void onlyExclusiveCoherenceOverADelegateHoldsLocks() {
		MemorySessionLockManager locks = new MemorySessionLockManager();
		MemoizedSessionStore validating = new MemoizedSessionStore(this.delegate, cache(10), Coherence.VALIDATE);
		assertThatIllegalStateException().isThrownBy(() -> validating.setLockManager(locks, Duration.ZERO))
			.withMessageContaining("exclusive");
		MemoizedSessionStore standalone = MemoizedSessionStore.standalone(cache(10));
		assertThatIllegalStateException().isThrownBy(() -> standalone.setLockManager(locks, Duration.ZERO))
			.withMessageContaining("exclusive");
	}

	@Test
	void sessionsTheDelegateEvictsWhenReducedHaveTheirLocksReleasedByTheReduce() {
		MemorySessionStore bounded = new MemorySessionStore(64L * 1024 * 1024, 10, 0.5, this.clock);
		MemorySessionLockManager locks = new MemorySessionLockManager();
		MemoizedSessionStore store = new MemoizedSessionStore(bounded, cache(100), Coherence.EXCLUSIVE);
		store.setLockManager(locks, Duration.ZERO);
		for (int i = 0; i < 8; i++) {
			store.save(TestSessionChanges.create("s" + i));
		}
		assertThat(locks.heldLocks()).isEqualTo(8);

		assertThat(store.reduce()).as("sessions the delegate evicted").isEqualTo(3);

		assertThat(bounded.usage().sessions()).isEqualTo(5);
		assertThat(locks.heldLocks()).as("locks held for sessions no longer cached").isEqualTo(5);
		store.close();
		assertThat(locks.heldLocks()).isZero();
	}

	private MemoizedSessionStore exclusive(MemorySessionLockManager locks, long maxSessions) {
		MemoizedSessionStore store = new MemoizedSessionStore(this.delegate, cache(maxSessions), Coherence.EXCLUSIVE);
		store.setLockManager(locks, Duration.ZERO);
		return store;
	}

	/**
	 * A delegate that counts its reads and can be made to fail its saves.
	 */
	static class CountingStore implements SessionStore {

		private final SessionStore store;

		final AtomicInteger finds = new AtomicInteger();

		final AtomicInteger versionChecks = new AtomicInteger();

		volatile boolean failSaves;

		CountingStore(SessionStore store) {
			this.store = store;
		}

		@Override
		public String type() {
			return this.store.type();
		}

		@Override
		public @Nullable SessionRecord find(String id) {
			this.finds.incrementAndGet();
			return this.store.find(id);
		}

		@Override
		public @Nullable Long version(String id) {
			this.versionChecks.incrementAndGet();
			return this.store.version(id);
		}

		@Override
		public @Nullable SessionRecord save(SessionChange change) {
			if (this.failSaves) {
				throw new IllegalStateException("disk full");
			}
			return this.store.save(change);
		}

		@Override
		public @Nullable SessionRecord delete(String id) {
			return this.store.delete(id);
		}

		@Override
		public boolean deleteIfExpired(String id, Instant now) {
			return this.store.deleteIfExpired(id, now);
		}

		@Override
		public Collection<SessionRecord> findByPrincipalName(String principalName) {
			return this.store.findByPrincipalName(principalName);
		}

		@Override
		public int purgeExpired(Instant now) {
			return this.store.purgeExpired(now);
		}

		@Override
		public StoreUsage usage() {
			return this.store.usage();
		}

		@Override
		public void setRemovalListener(RemovalListener listener) {
			this.store.setRemovalListener(listener);
		}

	}

}
