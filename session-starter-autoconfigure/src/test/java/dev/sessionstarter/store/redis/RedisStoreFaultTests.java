package dev.sessionstarter.store.redis;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A Redis that is killed or frozen: every call fails within its deadline with an error naming
 * Redis, none hangs, and calls succeed again by themselves once Redis is back.
 */
class RedisStoreFaultTests {

	private static final Duration DEADLINE = Duration.ofMillis(500);

	/**
	 * Bounds each failing call far above its deadline, so a hang fails the test instead of
	 * stalling it.
	 */
	private static final Duration BOUND = Duration.ofSeconds(10);

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private RedisSessionStore store;

	@BeforeEach
	void createStore() {
		this.store = RedisStores.store(new RedisCalls(redis.connectionFactory(), DEADLINE), Clock.systemUTC());
	}

	@Test
	void aKilledRedisFailsCallsWithinTheDeadlineAndServesAgainAfterItsRestart() {
		SessionRecord saved = this.store.save(create("before"));
		redis.stop();
		try {
			assertUnavailable(() -> this.store.find(saved.id()));
			assertUnavailable(() -> this.store.save(create("during")));
			assertUnavailable(() -> this.store.version(saved.id()));
		}
		finally {
			redis.start();
		}
		await().atMost(Duration.ofSeconds(40)).ignoreExceptions().until(() -> this.store.save(create("after")) != null);
		assertThat(this.store.find("after")).isNotNull();
		assertThat(this.store.purgeExpired(Clock.systemUTC().instant())).isZero();
	}

	@Test
	void aFrozenRedisFailsCallsWithinTheDeadlineAndServesAgainWhenItGoesOn() {
		SessionRecord saved = this.store.save(create("frozen"));
		redis.pause();
		try {
			assertUnavailable(() -> this.store.find(saved.id()));
			assertUnavailable(() -> this.store.delete(saved.id()));
		}
		finally {
			redis.resume();
		}
		await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> this.store.find(saved.id()) != null);
		assertThat(this.store.version(saved.id())).isEqualTo(1);
	}

	/**
	 * While Lettuce reconnects, the shared connection is not open but still the factory's: calls
	 * go on with it and start no thread of their own. Each call started a thread to make the
	 * shared connection again, which the factory gave back at once as it was (counted with the
	 * JVM's started-thread count, which Lettuce's few reconnection threads stay far below).
	 */
	@Test
	void callsWhileRedisIsDownStartNoThreadEach() {
		SessionRecord saved = this.store.save(create("down"));
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		int calls = 10;
		redis.stop();
		long started;
		try {
			long before = threads.getTotalStartedThreadCount();
			for (int i = 0; i < calls; i++) {
				assertThatExceptionOfType(RedisUnavailableException.class)
					.isThrownBy(() -> this.store.find(saved.id()));
			}
			started = threads.getTotalStartedThreadCount() - before;
		}
		finally {
			redis.start();
		}
		assertThat(started).isLessThan(calls / 2);
		await().atMost(Duration.ofSeconds(40)).ignoreExceptions().until(() -> this.store.save(create("up")) != null);
	}

	private static void assertUnavailable(Runnable call) {
		assertTimeoutPreemptively(BOUND,
				() -> assertThatExceptionOfType(RedisUnavailableException.class).isThrownBy(call::run)
					.withMessageContaining("Redis at 127.0.0.1:" + redis.port())
					.satisfies((ex) -> assertThat(ex.getAddress()).isEqualTo("127.0.0.1:" + redis.port())));
	}

	private static SessionChange create(String id) {
		long now = System.currentTimeMillis();
		return new SessionChange(id, null, true, now, now, 1_800_000L, false, null, Map.of("a", new byte[] { 1 }));
	}

}
