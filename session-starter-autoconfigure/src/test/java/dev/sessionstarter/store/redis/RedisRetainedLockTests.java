package dev.sessionstarter.store.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retained request locks ({@code sessions.redis.lock-retain}) between two instances on one
 * Redis, each with its own connection, lock manager and store: a session instance A retains is
 * seen as another instance left it, whether B changed or deleted it in a request of its own or
 * outside any request.
 */
class RedisRetainedLockTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	/**
	 * Longer than any wait of these tests: B gets what A retains only because A releases it
	 * when asked.
	 */
	private static final Duration RETAIN = Duration.ofSeconds(60);

	private final String namespace = "retain-" + UUID.randomUUID();

	private final LettuceConnectionFactory otherFactory = redis.newConnectionFactory();

	private final Instance a = new Instance(redis.connectionFactory(), false);

	private final Instance b = new Instance(this.otherFactory, false);

	@AfterEach
	void closeInstances() {
		this.a.close();
		this.b.close();
		this.otherFactory.destroy();
	}

	@Test
	void aRetainedSessionDeletedOutsideARequestByAnotherInstanceIsSeenDeleted() throws Exception {
		String id = this.a.retained();
		this.b.repository.deleteById(id);
		try (SessionLock lock = this.a.locks.tryLock(id, Duration.ofSeconds(10))) {
			assertThat(this.a.repository.findById(id)).isNull();
		}
	}

	@Test
	void aRetainedSessionDeletedOutsideARequestByTheSameInstanceIsSeenDeleted() throws Exception {
		String id = this.a.retained();
		this.a.repository.deleteById(id);
		try (SessionLock lock = this.a.locks.tryLock(id, Duration.ofSeconds(10))) {
			assertThat(this.a.repository.findById(id)).isNull();
		}
	}

	@Test
	void aRetainedSessionChangedOutsideARequestByAnotherInstanceIsSeenChanged() throws Exception {
		String id = this.a.retained();
		StoredSession inB = this.b.repository.findById(id);
		inB.setAttribute("count", 100);
		this.b.repository.save(inB);
		assertThat(this.a.request(id)).isEqualTo(101);
	}

	@Test
	void aRetainedSessionChangedByAnotherInstanceIsSeenChangedByAMemoizedCache() throws Exception {
		Instance memoized = new Instance(redis.connectionFactory(), true);
		try {
			String id = memoized.retained();
			StoredSession inB = this.b.repository.findById(id);
			inB.setAttribute("count", 100);
			this.b.repository.save(inB);
			assertThat(memoized.request(id)).isEqualTo(101);
		}
		finally {
			memoized.close();
		}
	}

	@Test
	void anotherInstanceGetsARetainedLockWhenItAsksAndSeesTheLastSave() throws Exception {
		String id = this.a.retained();
		assertThat(this.a.locks.retained()).isOne();
		assertThat(this.b.request(id)).as("A releases the lock when B asks, long before its retention ends")
			.isEqualTo(2);
		assertThat(this.a.request(id)).isEqualTo(3);
		assertThat(this.b.request(id)).isEqualTo(4);
	}

	@Test
	void aRequestRunningWhenAnotherInstanceAsksReleasesTheLockAtItsEnd() throws Exception {
		String id = this.a.retained();
		SessionLock running = this.a.locks.tryLock(id, Duration.ZERO);
		assertThat(running).as("taken from the retention").isNotNull();
		assertThat(this.b.locks.tryLock(id, Duration.ZERO)).isNull();
		StoredSession inA = this.a.repository.findById(id);
		inA.setAttribute("count", 7);
		this.a.repository.save(inA);
		running.release();
		assertThat(this.b.request(id)).as("asked while A's request ran, released at its end").isEqualTo(8);
	}

	@Test
	void anInstanceThatStopsReleasesTheLocksItRetains() throws Exception {
		Instance stopping = new Instance(redis.connectionFactory(), false);
		String id = stopping.retained();
		stopping.close();
		try (SessionLock lock = this.b.locks.tryLock(id, Duration.ZERO)) {
			assertThat(lock).as("free at once, not at the end of the retention").isNotNull();
		}
	}

	@Test
	void aRetainedLockNoLongerTrustedIsNotWaitedOutByItsInstance() throws Exception {
		String id = this.a.retained();
		// as if a renewal had given the retained lock a lease, and a lost connection ended the trust
		this.a.calls.call("lease", (commands) -> commands.pexpire(this.a.keys.lock(id), 120_000));
		this.a.held.connectionLost();
		try (SessionLock lock = this.a.locks.tryLock(id, Duration.ofSeconds(10))) {
			assertThat(lock).as("taken over, not waited out").isNotNull();
			assertThat(this.a.repository.findById(id).<Integer>getAttribute("count")).isOne();
		}
	}

	/**
	 * One application instance: its lock manager, retaining locks, and its repository over a
	 * store that uses them, or over a memoized cache in front of it.
	 */
	private final class Instance {

		final RedisSessionLockManager locks;

		final SessionStore store;

		final StoreSessionRepository repository;

		final RedisCalls calls;

		final RedisKeys keys;

		final RedisHeldLocks held = new RedisHeldLocks();

		Instance(LettuceConnectionFactory factory, boolean memoized) {
			RedisCalls calls = new RedisCalls(factory, Duration.ofSeconds(10));
			RedisKeys keys = new RedisKeys(RedisRetainedLockTests.this.namespace);
			RedisHeldLocks held = this.held;
			this.calls = calls;
			this.keys = keys;
			this.locks = new RedisSessionLockManager(calls, keys, held, Duration.ofSeconds(30), RETAIN);
			RedisSessionStore redisStore = new RedisSessionStore(calls, keys, Duration.ofMinutes(12),
					Clock.systemUTC(), held);
			this.store = memoized ? new MemoizedSessionStore(redisStore,
					new MemorySessionStore(16L * 1024 * 1024, 1000, 0.9, Clock.systemUTC()), Coherence.VALIDATE)
					: redisStore;
			this.repository = new StoreSessionRepository(this.store,
					new JavaSessionSerializer(List.of(), null));
		}

		/**
		 * Create a session and run a request of it here, which leaves its lock retained.
		 * @return the session id
		 */
		String retained() throws InterruptedException {
			StoredSession session = this.repository.createSession();
			session.setAttribute("count", 0);
			this.repository.save(session);
			assertThat(request(session.getId())).isOne();
			return session.getId();
		}

		/**
		 * Run a request of a session under its lock: read the counter, write it back incremented.
		 * @return the counter written
		 */
		int request(String id) throws InterruptedException {
			try (SessionLock lock = this.locks.tryLock(id, Duration.ofSeconds(20))) {
				assertThat(lock).as("the lock of " + id).isNotNull();
				StoredSession session = this.repository.findById(id);
				int next = session.<Integer>getAttribute("count") + 1;
				session.setAttribute("count", next);
				this.repository.save(session);
				return next;
			}
		}

		void close() {
			this.locks.close();
			if (this.store instanceof MemoizedSessionStore memoized) {
				memoized.close();
			}
		}

	}

}
