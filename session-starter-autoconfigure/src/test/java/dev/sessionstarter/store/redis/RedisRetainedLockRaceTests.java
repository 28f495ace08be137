package dev.sessionstarter.store.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Races of retained locks with renewals and failed saves: an instance trusts a retained lock only
 * while no other instance can have changed the session, and releases it when asked as long as
 * its key lives. Each test failed before its fix (a renewal cut the key to the lease; a save that
 * timed out left the copy it started from trusted; a retention was forgotten while a renewal kept
 * its key alive).
 */
class RedisRetainedLockRaceTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private final String namespace = "retain-race-" + UUID.randomUUID();

	private final RedisKeys keys = new RedisKeys(this.namespace);

	private final LettuceConnectionFactory otherFactory = redis.newConnectionFactory();

	private Instance a;

	private Instance b;

	@AfterEach
	void closeInstances() {
		if (this.a != null) {
			this.a.close();
		}
		if (this.b != null) {
			this.b.close();
		}
		this.otherFactory.destroy();
	}

	/**
	 * Lease 2s, retention 10s (trusted 5s): a request taken from the retention lives long enough
	 * to be renewed, which sets the lock key's expiry to the lease (2s), shorter than the trust.
	 * The key expires, B takes the lock without asking anyone, and A still takes it locally.
	 */
	@Test
	void aRenewalNeverShortensARetainedLockBelowItsTrust() throws Exception {
		this.a = new Instance(redis.connectionFactory(), Duration.ofSeconds(2), Duration.ofSeconds(10),
				Duration.ofSeconds(5));
		this.b = new Instance(this.otherFactory, Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(5));
		String id = this.a.retained();
		SessionLock fromRetention = this.a.locks.tryLock(id, Duration.ZERO);
		assertThat(fromRetention).isNotNull();
		// run the request past several renewals (every 2s/3): 3s of the retention's 10s gone, or the key cut to the lease
		await().atMost(Duration.ofSeconds(5)).until(() -> pttl(id) < 7000);
		fromRetention.release();
		await().atMost(Duration.ofSeconds(12)).until(() -> pttl(id) == -2);
		SessionLock inB = this.b.locks.tryLock(id, Duration.ZERO);
		assertThat(inB).as("B takes the expired lock").isNotNull();
		StoredSession changed = this.b.repository.findById(id);
		changed.setAttribute("count", 100);
		this.b.repository.save(changed);
		SessionLock inA = this.a.locks.tryLock(id, Duration.ZERO);
		try {
			assertThat(inA).as("A must not take the lock B holds").isNull();
		}
		finally {
			if (inA != null) {
				inA.release();
			}
			inB.release();
		}
	}

	/**
	 * A request taken from a retention whose save times out (Redis frozen past the call deadline)
	 * ends retaining the copy the save started from; Redis then runs the save, and A's next
	 * request is served the copy without it.
	 */
	@Test
	void aTimedOutSaveEndsTheTrustInTheRetainedCopy() throws Exception {
		this.a = new Instance(redis.connectionFactory(), Duration.ofSeconds(30), Duration.ofSeconds(60),
				Duration.ofSeconds(3));
		String id = this.a.retained();
		SessionLock fromRetention = this.a.locks.tryLock(id, Duration.ZERO);
		assertThat(fromRetention).isNotNull();
		StoredSession session = this.a.repository.findById(id);
		session.setAttribute("count", 50);
		redis.pause();
		try {
			assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> this.a.repository.save(session));
		}
		finally {
			redis.resume();
		}
		fromRetention.release();
		await().atMost(Duration.ofSeconds(5)).until(() -> countInRedis(id) == 50);
		try (SessionLock again = this.a.locks.tryLock(id, Duration.ofSeconds(5))) {
			assertThat(again).isNotNull();
			assertThat(this.a.repository.findById(id).<Integer>getAttribute("count"))
				.as("what Redis holds (50), not the copy the failed save started from").isEqualTo(50);
		}
	}

	/**
	 * Lease 30s, retention 9s (trusted 4.5s, renewals every 3s): a request taken from the retention
	 * is renewed (the key now lives 30s), ends and retains; the retention is forgotten 9s after its
	 * save while the key lives on, so a request for it is no longer answered and B waits.
	 */
	@Test
	void aRetentionWhoseKeyARenewalProlongedIsReleasedWhenAsked() throws Exception {
		this.a = new Instance(redis.connectionFactory(), Duration.ofSeconds(30), Duration.ofSeconds(9),
				Duration.ofSeconds(5));
		this.b = new Instance(this.otherFactory, Duration.ofSeconds(30), Duration.ofSeconds(9), Duration.ofSeconds(5));
		String id = this.a.retained();
		SessionLock fromRetention = this.a.locks.tryLock(id, Duration.ZERO);
		assertThat(fromRetention).isNotNull();
		await().atMost(Duration.ofSeconds(5)).until(() -> pttl(id) > 9000);
		fromRetention.release();
		long released = System.nanoTime();
		// past the retention (9s from the save) and a pruning (every 3s), within the key's 30s
		await().atMost(Duration.ofSeconds(15)).until(() -> System.nanoTime() - released > 13_000_000_000L);
		assertThat(pttl(id)).as("the key A holds still lives").isPositive();
		try (SessionLock inB = this.b.locks.tryLock(id, Duration.ofSeconds(3))) {
			assertThat(inB).as("A releases what it holds when asked").isNotNull();
		}
	}

	private long pttl(String id) {
		try (RedisConnection connection = redis.connectionFactory().getConnection()) {
			return connection.keyCommands().pTtl(this.keys.lock(id));
		}
	}

	private int countInRedis(String id) {
		this.b = (this.b != null) ? this.b
				: new Instance(this.otherFactory, Duration.ofSeconds(30), Duration.ZERO, Duration.ofSeconds(5));
		StoredSession session = this.b.repository.findById(id);
		return session.<Integer>getAttribute("count");
	}

	private final class Instance {

		final RedisSessionLockManager locks;

		final StoreSessionRepository repository;

		Instance(LettuceConnectionFactory factory, Duration lease, Duration retain, Duration timeout) {
			RedisCalls calls = new RedisCalls(factory, timeout);
			RedisHeldLocks held = new RedisHeldLocks();
			this.locks = new RedisSessionLockManager(calls, RedisRetainedLockRaceTests.this.keys, held, lease, retain);
			RedisSessionStore store = new RedisSessionStore(calls, RedisRetainedLockRaceTests.this.keys,
					Duration.ofMinutes(12), Clock.systemUTC(), held);
			this.repository = new StoreSessionRepository(store, new JavaSessionSerializer(List.of(), null));
		}

		String retained() throws InterruptedException {
			StoredSession session = this.repository.createSession();
			session.setAttribute("count", 0);
			this.repository.save(session);
			try (SessionLock lock = this.locks.tryLock(session.getId(), Duration.ofSeconds(5))) {
				StoredSession found = this.repository.findById(session.getId());
				found.setAttribute("count", 1);
				this.repository.save(found);
			}
			return session.getId();
		}

		void close() {
			this.locks.close();
		}

	}

}
