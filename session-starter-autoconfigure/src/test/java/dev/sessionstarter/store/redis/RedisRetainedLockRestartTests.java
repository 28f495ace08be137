package dev.sessionstarter.store.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Redis restart loses the locks an instance retains ({@code sessions.redis.lock-retain}): the
 * instance stops trusting them when its connection drops, so its next request of a session sees
 * what another instance wrote after the restart, not the copy it retained.
 */
class RedisRetainedLockRestartTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private final String namespace = "restart-" + UUID.randomUUID();

	private final LettuceConnectionFactory otherFactory = redis.newConnectionFactory();

	private final Instance a = new Instance(redis.connectionFactory());

	private final Instance b = new Instance(this.otherFactory);

	@AfterEach
	void closeInstances() {
		this.a.locks.close();
		this.b.locks.close();
		this.otherFactory.destroy();
	}

	@Test
	void afterARestartTheRetainingInstanceSeesWhatWasWrittenSince() throws Exception {
		this.a.store.save(change("restarted", true, "created"));
		try (SessionLock lock = this.a.locks.tryLock("restarted", Duration.ZERO)) {
			this.a.store.find("restarted");
			this.a.store.save(change("restarted", false, "retained by A"));
		}
		assertThat(this.a.locks.retained()).isOne();
		redis.stop();
		redis.start();
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
			.until(() -> this.b.store.save(change("restarted", true, "written after the restart")) != null);
		String seen = await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
			try (SessionLock lock = this.a.locks.tryLock("restarted", Duration.ofSeconds(10))) {
				SessionRecord found = this.a.store.find("restarted");
				return new String(found.attribute("a"));
			}
		}, (value) -> value != null);
		assertThat(seen).isEqualTo("written after the restart");
	}

	private static SessionChange change(String id, boolean create, String value) {
		long now = System.currentTimeMillis();
		return new SessionChange(id, null, create, now, now, 1_800_000L, false, null, Map.of("a", value.getBytes()));
	}

	/**
	 * One application instance: its lock manager, retaining locks for longer than the test, and
	 * the store that uses them.
	 */
	private final class Instance {

		final RedisSessionLockManager locks;

		final RedisSessionStore store;

		Instance(LettuceConnectionFactory factory) {
			RedisCalls calls = new RedisCalls(factory, Duration.ofSeconds(5));
			RedisKeys keys = new RedisKeys(RedisRetainedLockRestartTests.this.namespace);
			RedisHeldLocks held = new RedisHeldLocks();
			this.locks = new RedisSessionLockManager(calls, keys, held, Duration.ofSeconds(30), Duration.ofMinutes(5));
			this.store = new RedisSessionStore(calls, keys, Duration.ofMinutes(12), Clock.systemUTC(), held);
		}

	}

}
