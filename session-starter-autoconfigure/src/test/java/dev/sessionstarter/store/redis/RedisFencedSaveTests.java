package dev.sessionstarter.store.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Fenced saves on a real Redis: instance A holds a session's request lock and stalls past its
 * lease (its renewal stopped), instance B takes the lock and saves; A's late save is refused,
 * counted, and B's session is kept. A save of a locked session releases the lock in Redis, and a
 * later save of the same request is applied only if no other instance came between.
 */
class RedisFencedSaveTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private final String namespace = "test-" + UUID.randomUUID();

	private final Instance a = new Instance(Duration.ofSeconds(1));

	private final Instance b = new Instance(Duration.ofSeconds(30));

	@AfterEach
	void closeInstances() {
		this.a.locks.close();
		this.b.locks.close();
	}

	@Test
	void aSaveAfterTheLeaseWasLostIsRefusedAndTheNewerSessionKept() throws Exception {
		this.b.store.save(change("fenced", true, "created"));
		this.a.locks.stopRenewing();
		SessionLock stalled = this.a.locks.tryLock("fenced", Duration.ZERO);
		assertThat(stalled).isNotNull();
		assertThat(this.a.store.find("fenced")).isNotNull();
		SessionLock taken = this.b.locks.tryLock("fenced", Duration.ofSeconds(30));
		assertThat(taken).as("B takes the lock at the end of A's lease").isNotNull();
		this.b.store.save(change("fenced", false, "from B"));
		taken.release();
		assertThatExceptionOfType(FencedSaveException.class)
			.isThrownBy(() -> this.a.store.save(change("fenced", false, "from A")))
			.withMessageContaining("fenced")
			.satisfies((ex) -> assertThat(ex.getSessionId()).isEqualTo("fenced"));
		stalled.release();
		assertThat(this.a.store.fencedSaves()).isOne();
		SessionRecord stored = this.b.store.find("fenced");
		assertThat(new String(stored.attribute("a"))).isEqualTo("from B");
		assertThat(stored.version()).isEqualTo(2);
	}

	@Test
	void aFencedSaveThroughTheMemoizedStoreIsCountedByIt() throws Exception {
		MemoizedSessionStore memoized = new MemoizedSessionStore(this.a.store,
				new MemorySessionStore(1024 * 1024, 1000, 0.75, Clock.systemUTC()), Coherence.VALIDATE);
		this.b.store.save(change("memoized", true, "created"));
		this.a.locks.stopRenewing();
		SessionLock stalled = this.a.locks.tryLock("memoized", Duration.ZERO);
		assertThat(memoized.find("memoized")).isNotNull();
		SessionLock taken = this.b.locks.tryLock("memoized", Duration.ofSeconds(30));
		assertThat(taken).as("B takes the lock at the end of A's lease").isNotNull();
		this.b.store.save(change("memoized", false, "from B"));
		taken.release();
		assertThatExceptionOfType(FencedSaveException.class)
			.isThrownBy(() -> memoized.save(change("memoized", false, "from A")));
		stalled.release();
		assertThat(memoized.fencedSaves()).isOne();
		assertThat(new String(this.b.store.find("memoized").attribute("a"))).isEqualTo("from B");
	}

	@Test
	void aSaveUnderAHeldLockIsNotRefused() throws Exception {
		this.b.store.save(change("held", true, "created"));
		try (SessionLock lock = this.a.locks.tryLock("held", Duration.ZERO)) {
			assertThat(lock).isNotNull();
			this.a.store.save(change("held", false, "from A"));
		}
		assertThat(new String(this.b.store.find("held").attribute("a"))).isEqualTo("from A");
		assertThat(this.a.store.fencedSaves()).isZero();
	}

	@Test
	void aSaveReleasesTheLockAndALaterSaveOfTheRequestIsAppliedUnlessAnotherInstanceCameBetween()
			throws Exception {
		this.b.store.save(change("late", true, "created"));
		try (SessionLock lock = this.a.locks.tryLock("late", Duration.ZERO)) {
			this.a.store.save(change("late", false, "first"));
			SessionLock other = this.b.locks.tryLock("late", Duration.ZERO);
			assertThat(other).as("the save released the lock in Redis").isNotNull();
			other.release();
			this.a.store.save(change("late", false, "second"));
		}
		assertThat(new String(this.b.store.find("late").attribute("a"))).isEqualTo("second");
		try (SessionLock lock = this.a.locks.tryLock("late", Duration.ZERO)) {
			this.a.store.save(change("late", false, "third"));
			try (SessionLock other = this.b.locks.tryLock("late", Duration.ZERO)) {
				this.b.store.save(change("late", false, "from B"));
			}
			assertThatExceptionOfType(FencedSaveException.class)
				.isThrownBy(() -> this.a.store.save(change("late", false, "fourth")));
		}
		assertThat(new String(this.b.store.find("late").attribute("a"))).isEqualTo("from B");
	}

	@Test
	void aSaveUnderALockTakenFromARetentionAndLostMeanwhileIsRefused() throws Exception {
		Instance retaining = new Instance(Duration.ofSeconds(30), Duration.ofSeconds(1));
		try {
			this.b.store.save(change("retained", true, "created"));
			try (SessionLock lock = retaining.locks.tryLock("retained", Duration.ZERO)) {
				retaining.store.save(change("retained", false, "retained"));
			}
			retaining.locks.stopRenewing();
			SessionLock stalled = retaining.locks.tryLock("retained", Duration.ZERO);
			assertThat(stalled).as("taken from the retention").isNotNull();
			SessionLock taken = this.b.locks.tryLock("retained", Duration.ofSeconds(60));
			assertThat(taken).as("B takes the lock when the retained key expires").isNotNull();
			this.b.store.save(change("retained", false, "from B"));
			taken.release();
			assertThatExceptionOfType(FencedSaveException.class)
				.isThrownBy(() -> retaining.store.save(change("retained", false, "stale")));
			stalled.release();
			assertThat(new String(this.b.store.find("retained").attribute("a"))).isEqualTo("from B");
		}
		finally {
			retaining.locks.close();
		}
	}

	private static SessionChange change(String id, boolean create, String value) {
		long now = System.currentTimeMillis();
		return new SessionChange(id, null, create, now, now, 1_800_000L, false, null, Map.of("a", value.getBytes()));
	}

	/**
	 * One application instance: its lock manager and the store that fences its saves with it.
	 */
	private final class Instance {

		final RedisSessionLockManager locks;

		final RedisSessionStore store;

		Instance(Duration lease) {
			this(lease, Duration.ZERO);
		}

		Instance(Duration lease, Duration retain) {
			RedisCalls calls = new RedisCalls(redis.connectionFactory(), Duration.ofSeconds(10));
			RedisKeys keys = new RedisKeys(RedisFencedSaveTests.this.namespace);
			RedisHeldLocks held = new RedisHeldLocks();
			this.locks = new RedisSessionLockManager(calls, keys, held, lease, retain);
			this.store = new RedisSessionStore(calls, keys, Duration.ofMinutes(12), Clock.systemUTC(), held);
		}

	}

}
