package dev.sessionstarter.store.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.session.FindByIndexNameSessionRepository;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The commands the redis store sends for what a request does, as {@code MONITOR} lists them
 * (commands a script runs inside Redis are not round trips and are not counted).
 */
class RedisStoreRoundTripTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private static final Duration RETAIN = Duration.ofSeconds(Integer.getInteger("test.retain", 60));

	private final String namespace = "trips-" + UUID.randomUUID();

	private RedisCalls calls;

	private RedisMonitor monitor;

	@BeforeEach
	void startMonitor() throws Exception {
		this.calls = new RedisCalls(redis.connectionFactory(), Duration.ofSeconds(5));
		this.monitor = new RedisMonitor(redis.port());
	}

	@AfterEach
	void stopMonitor() throws Exception {
		this.monitor.close();
	}

	@Test
	void aReturningRequestThatChangesAnAttributeSendsALoadAndOneScript() {
		StoreSessionRepository repository = repository(RedisStores.store(this.calls, this.namespace,
				Clock.systemUTC()));
		String id = created(repository);
		sent();
		request(repository, id);
		assertThat(sent()).containsExactly("HGETALL", "EVALSHA");
	}

	@Test
	void aSaveOfASessionStillAtTheVersionFoundIsAnsweredWithoutItsFields() {
		StoreSessionRepository repository = repository(RedisStores.store(this.calls, this.namespace,
				Clock.systemUTC()));
		String id = created(repository);
		ranByScripts();
		request(repository, id);
		assertThat(ranByScripts()).as("the script merges the change and reads back nothing")
			.doesNotContain("HGETALL");
	}

	@Test
	void aLargeSessionIsNotKeptBetweenRequestsSoItsSaveIsAnsweredWithItsFields() {
		StoreSessionRepository repository = repository(RedisStores.store(this.calls, this.namespace,
				Clock.systemUTC()));
		StoredSession session = repository.createSession();
		session.setAttribute("count", 0);
		session.setAttribute("large", new byte[LastCopies.MAX_BYTES]);
		repository.save(session);
		ranByScripts();
		request(repository, session.getId());
		assertThat(ranByScripts()).as("a thread keeps no copy of a large session, so Redis answers it whole")
			.contains("HGETALL");
	}

	@Test
	void aNewSessionIsOneScriptAndItsIndexEntries() {
		StoreSessionRepository repository = repository(RedisStores.store(this.calls, this.namespace,
				Clock.systemUTC()));
		created(repository);
		sent();
		StoredSession session = repository.createSession();
		session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "alice");
		repository.save(session);
		assertThat(sent()).containsExactly("EVALSHA", "ZADD", "SADD");
	}

	@Test
	void aNewSessionAndItsIndexEntriesAreOneRoundTrip() {
		StoreSessionRepository repository = repository(RedisStores.store(this.calls, this.namespace,
				Clock.systemUTC()));
		created(repository);
		StoredSession session = repository.createSession();
		session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "alice");
		long before = this.calls.roundTrips();
		repository.save(session);
		assertThat(this.calls.roundTrips() - before).as("the index entries are pipelined with the save")
			.isEqualTo(1);
		assertThat(repository.findByPrincipalName("alice")).containsOnlyKeys(session.getId());
	}

	@Test
	void aDeleteOfASessionWithoutPrincipalIsOneRoundTrip() {
		StoreSessionRepository repository = repository(RedisStores.store(this.calls, this.namespace,
				Clock.systemUTC()));
		String id = created(repository);
		long before = this.calls.roundTrips();
		repository.deleteById(id);
		assertThat(this.calls.roundTrips() - before).as("the expiry index entry goes with the removal")
			.isEqualTo(1);
		assertThat(sent()).contains("EVALSHA", "ZREM");
		assertThat(repository.findById(id)).isNull();
	}

	@Test
	void aMemoizedCacheChecksItsCopyWithOneVersionRead() {
		MemoizedSessionStore memoized = memoized(RedisStores.store(this.calls, this.namespace, Clock.systemUTC()));
		try {
			StoreSessionRepository repository = repository(memoized);
			String id = created(repository);
			request(repository, id);
			sent();
			request(repository, id);
			assertThat(sent()).containsExactly("HGET", "EVALSHA");
		}
		finally {
			memoized.close();
		}
	}

	@Test
	void withRedisLocksALockedRequestCostsTheLockAndTheSave() throws Exception {
		try (Locked locked = new Locked(Duration.ZERO, false)) {
			String id = created(locked.repository);
			// Redis loads each script the first time it is called, by its source
			locked.request(id);
			sent();
			locked.request(id);
			assertThat(sent()).as("the lock answers the session, the save releases the lock")
				.containsExactly("EVALSHA", "EVALSHA");
		}
	}

	@Test
	void withRedisLocksAReleaseNobodyWaitsForPublishesNothing() throws Exception {
		try (Locked locked = new Locked(Duration.ZERO, false)) {
			String id = created(locked.repository);
			ranByScripts();
			locked.request(id);
			locked.locks.tryLock(id, Duration.ZERO).release();
			assertThat(ranByScripts()).as("released by the save, then by an unlock, with no waiter")
				.doesNotContain("PUBLISH");
		}
	}

	@Test
	void aMemoizedCacheChecksItsCopyWithoutARoundTripUnderARedisLock() throws Exception {
		try (Locked locked = new Locked(Duration.ZERO, true)) {
			String id = created(locked.repository);
			request(locked.repository, id);
			sent();
			locked.request(id);
			assertThat(sent()).as("the lock answers the version, the save releases the lock")
				.containsExactly("EVALSHA", "EVALSHA");
			locked.request(id);
			assertThat(ranByScripts()).as("the cache's copy is current: no script reads the whole session")
				.doesNotContain("HGETALL");
		}
	}

	@Test
	void withRetainedLocksTheNextRequestOfASessionInTheSameInstanceIsOneRoundTrip() throws Exception {
		try (Locked locked = new Locked(RETAIN, false)) {
			String id = created(locked.repository);
			locked.request(id);
			sent();
			long before = this.calls.roundTrips();
			locked.request(id);
			long roundTrips = this.calls.roundTrips() - before;
			assertThat(sent()).as("the lock is taken here without Redis, the save keeps it").containsExactly("EVALSHA");
			assertThat(roundTrips).isEqualTo(1);
			assertThat(ranByScripts()).as("nothing reads the whole session").doesNotContain("HGETALL");
			assertThat(locked.repository.findById(id).<Integer>getAttribute("count")).isEqualTo(2);
		}
	}

	@Test
	void aSaveOfASessionStillAtTheVersionOfItsCopyReadsOnlyTheVersionInRedis() throws Exception {
		try (Locked locked = new Locked(RETAIN, false)) {
			String id = created(locked.repository);
			locked.request(id);
			locked.request(id);
			ranByScripts();
			locked.request(id);
			assertThat(ranByScripts())
				.as("the version read, the lock checked, what changed written; the lock's expiry (trusted for more "
						+ "than three eighths of the retention still) and the key's (set far enough) left as they are")
				.containsExactly("HGET", "GET", "HSET");
			assertThat(locked.repository.findById(id).<Integer>getAttribute("count")).isEqualTo(3);
		}
	}

	@Test
	void aRetainedSaveMovesTheLocksExpiryOnceItsTrustIsShorterThanThreeEighthsOfTheRetention() throws Exception {
		// retention 16s: trusted 8s after the save that set it, moved again when less than 6s of that is left
		try (Locked locked = new Locked(Duration.ofSeconds(16), false)) {
			String id = created(locked.repository);
			locked.request(id);
			long set = System.nanoTime();
			ranByScripts();
			locked.request(id);
			assertThat(ranByScripts()).as("trusted for more than 6s still: the lock left as it is")
				.containsExactly("HGET", "GET", "HSET");
			await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() - set > 3_000_000_000L);
			long before = this.calls.roundTrips();
			locked.request(id);
			assertThat(this.calls.roundTrips() - before).as("still taken without Redis").isEqualTo(1);
			assertThat(ranByScripts()).as("trusted for less than 6s: the lock's expiry moved")
				.containsExactly("HGET", "GET", "HSET", "PEXPIRE");
			assertThat(lockTimeToLive(id)).isGreaterThan(13_000);
			// past the trust of the first save (8s), within that of the one that moved the expiry
			await().atMost(Duration.ofSeconds(9)).until(() -> System.nanoTime() - set > 8_500_000_000L);
			before = this.calls.roundTrips();
			locked.request(id);
			assertThat(this.calls.roundTrips() - before).as("trusted again from the save that moved it").isEqualTo(1);
			assertThat(locked.repository.findById(id).<Integer>getAttribute("count")).isEqualTo(4);
		}
	}

	@Test
	void underARetainedLockTheKeysExpiryIsSetHalfAMarginLaterAndMovedOnceTheAccessMovedAQuarterMargin()
			throws Exception {
		// session timeout 30 minutes, margin 12: set for 30 + 18 minutes past the access
		long margin = Duration.ofMinutes(12).toMillis();
		long timeout = Duration.ofMinutes(30).toMillis();
		try (Locked locked = new Locked(RETAIN, false)) {
			String id = created(locked.repository);
			locked.request(id, Instant.now());
			assertThat(keyTimeToLive(id)).as("set by the save that retained the lock first")
				.isGreaterThan(timeout + margin + margin / 2 - 10_000);
			ranByScripts();
			locked.request(id, Instant.now().plusSeconds(60));
			assertThat(ranByScripts()).as("the access moved a minute: the key's expiry left as it is")
				.containsExactly("HGET", "GET", "HSET");
			assertThat(keyTimeToLive(id)).as("still at least the margin past the session's new expiry")
				.isGreaterThan(timeout + 60_000 + margin);
			locked.request(id, Instant.now().plusSeconds(240));
			assertThat(ranByScripts()).as("the access moved four minutes from the one the expiry was set for")
				.containsExactly("HGET", "GET", "HSET", "PEXPIRE");
			assertThat(keyTimeToLive(id)).isGreaterThan(timeout + 240_000 + margin + margin / 2 - 10_000);
			assertThat(locked.repository.findById(id).<Integer>getAttribute("count")).isEqualTo(3);
		}
	}

	@Test
	void withRetainedLocksARequestThatOnlyReadsSendsNothing() throws Exception {
		try (Locked locked = new Locked(RETAIN, false)) {
			String id = created(locked.repository);
			locked.request(id);
			sent();
			long before = this.calls.roundTrips();
			for (int i = 0; i < 2; i++) {
				try (SessionLock lock = locked.locks.tryLock(id, Duration.ZERO)) {
					assertThat(locked.repository.findById(id).<Integer>getAttribute("count")).isOne();
				}
			}
			long roundTrips = this.calls.roundTrips() - before;
			assertThat(sent()).as("the lock taken and kept here, the session served as the save left it").isEmpty();
			assertThat(roundTrips).isZero();
		}
	}

	@Test
	void withRetainedLocksAMemoizedCacheUsesItsCopyAndTheRequestIsOneRoundTrip() throws Exception {
		try (Locked locked = new Locked(RETAIN, true)) {
			String id = created(locked.repository);
			request(locked.repository, id);
			locked.request(id);
			sent();
			long before = this.calls.roundTrips();
			locked.request(id);
			long roundTrips = this.calls.roundTrips() - before;
			assertThat(sent()).as("no lock call, no version read: the save").containsExactly("EVALSHA");
			assertThat(roundTrips).isEqualTo(1);
		}
	}

	private String created(StoreSessionRepository repository) {
		StoredSession session = repository.createSession();
		session.setAttribute("count", 0);
		repository.save(session);
		return session.getId();
	}

	private static void request(StoreSessionRepository repository, String id) {
		request(repository, id, Instant.now());
	}

	private static void request(StoreSessionRepository repository, String id, Instant accessed) {
		StoredSession session = repository.findById(id);
		session.setLastAccessedTime(accessed);
		Integer count = session.getAttribute("count");
		session.setAttribute("count", count + 1);
		repository.save(session);
	}

	private long keyTimeToLive(String id) {
		return this.calls.<Long>call("pttl", (commands) -> commands.pttl(new RedisKeys(this.namespace).session(id)));
	}

	private long lockTimeToLive(String id) {
		return this.calls.<Long>call("pttl", (commands) -> commands.pttl(new RedisKeys(this.namespace).lock(id)));
	}

	private List<String> sent() {
		return this.monitor.sentSince(this.calls, this.namespace);
	}

	private List<String> ranByScripts() {
		return this.monitor.ranByScriptsSince(this.calls, this.namespace);
	}

	private static StoreSessionRepository repository(SessionStore store) {
		return new StoreSessionRepository(store, new JavaSessionSerializer(List.of(), null));
	}

	private static MemoizedSessionStore memoized(SessionStore delegate) {
		return new MemoizedSessionStore(delegate, new MemorySessionStore(16L * 1024 * 1024, 1000, 0.9,
				Clock.systemUTC()), Coherence.VALIDATE);
	}

	/**
	 * A repository over the redis store of the test's namespace with Redis request locks, which
	 * its saves keep for a retention or release, and a {@code validate} cache in front if told.
	 */
	private final class Locked implements AutoCloseable {

		final RedisSessionLockManager locks;

		final StoreSessionRepository repository;

		private final @Nullable MemoizedSessionStore memoized;

		Locked(Duration retain, boolean memoized) {
			RedisHeldLocks held = new RedisHeldLocks();
			RedisKeys keys = new RedisKeys(RedisStoreRoundTripTests.this.namespace);
			RedisCalls calls = RedisStoreRoundTripTests.this.calls;
			RedisSessionStore store = new RedisSessionStore(calls, keys, Duration.ofMinutes(12), Clock.systemUTC(),
					held);
			this.memoized = memoized ? memoized(store) : null;
			this.repository = repository((this.memoized != null) ? this.memoized : store);
			this.locks = new RedisSessionLockManager(calls, keys, held, Duration.ofSeconds(30), retain);
		}

		/**
		 * Make a request that changes the session, under its lock.
		 */
		void request(String id) throws InterruptedException {
			request(id, Instant.now());
		}

		/**
		 * Make a request that changes the session, under its lock, accessing it at a given time.
		 */
		void request(String id, Instant accessed) throws InterruptedException {
			try (SessionLock lock = this.locks.tryLock(id, Duration.ZERO)) {
				RedisStoreRoundTripTests.request(this.repository, id, accessed);
			}
		}

		@Override
		public void close() {
			this.locks.close();
			if (this.memoized != null) {
				this.memoized.close();
			}
		}

	}

}
