package dev.sessionstarter.store.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.session.FlushMode;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis request locks with {@code flush-mode=immediate}, where every change of a request is a
 * save: the saves keep the request's lock, so no other instance comes between two saves of one
 * request (and none of them is refused), and the lock frees when the request releases it.
 */
class RedisImmediateFlushLockTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private final String namespace = "immediate-" + UUID.randomUUID();

	private final Instance a = new Instance();

	private final Instance b = new Instance();

	@AfterEach
	void closeInstances() {
		this.a.locks.close();
		this.b.locks.close();
	}

	@Test
	void savesOfARequestKeepItsLockUntilTheRequestReleasesIt() throws Exception {
		StoredSession created = this.b.repository.createSession();
		created.setAttribute("count", 0);
		String id = created.getId();
		SessionLock lock = this.a.locks.tryLock(id, Duration.ZERO);
		assertThat(lock).isNotNull();
		StoredSession session = this.a.repository.findById(id);
		session.setLastAccessedTime(Instant.now());
		session.setAttribute("count", (Integer) session.getAttribute("count") + 1);
		assertThat(this.b.locks.tryLock(id, Duration.ZERO)).as("held after the request's saves").isNull();
		session.setAttribute("second", "kept");
		this.a.repository.save(session);
		assertThat(this.b.locks.tryLock(id, Duration.ZERO)).as("held until the request releases it").isNull();
		lock.release();
		try (SessionLock taken = this.b.locks.tryLock(id, Duration.ZERO)) {
			assertThat(taken).as("free once the request released it").isNotNull();
			StoredSession found = this.b.repository.findById(id);
			assertThat((Integer) found.getAttribute("count")).isEqualTo(1);
			assertThat((String) found.getAttribute("second")).isEqualTo("kept");
		}
		assertThat(this.a.store.fencedSaves()).isZero();
		assertThat(this.a.locks.heldLocks()).isZero();
	}

	/**
	 * One application instance: its lock manager, and a repository with flush mode immediate
	 * over a store that fences its saves with it.
	 */
	private final class Instance {

		final RedisSessionLockManager locks;

		final RedisSessionStore store;

		final StoreSessionRepository repository;

		Instance() {
			RedisCalls calls = new RedisCalls(redis.connectionFactory(), Duration.ofSeconds(10));
			RedisKeys keys = new RedisKeys(RedisImmediateFlushLockTests.this.namespace);
			RedisHeldLocks held = new RedisHeldLocks();
			this.locks = new RedisSessionLockManager(calls, keys, held, Duration.ofSeconds(30));
			this.store = new RedisSessionStore(calls, keys, Duration.ofMinutes(12), Clock.systemUTC(), held);
			this.store.setSavesReleaseLocks(false);
			this.repository = new StoreSessionRepository(this.store, new JavaSessionSerializer(List.of(), null));
			this.repository.setFlushMode(FlushMode.IMMEDIATE);
		}

	}

}
