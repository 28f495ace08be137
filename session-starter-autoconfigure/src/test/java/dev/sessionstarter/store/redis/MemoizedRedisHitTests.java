package dev.sessionstarter.store.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.test.util.ReflectionTestUtils;

import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static dev.sessionstarter.store.TestSessionChanges.create;
import static dev.sessionstarter.store.TestSessionChanges.set;
import static dev.sessionstarter.store.TestSessionChanges.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A validating cache over the redis store checks a copy by id on a hit: a handle would ask
 * Redis the same, so none is opened (and no stripe taken) for hits; another instance's save is
 * still seen, and the cache's own saves still go through a handle.
 */
class MemoizedRedisHitTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	@Test
	void hitsOpenNoHandleAndStillSeeAnotherInstancesSave() {
		RedisSessionStore redisStore = store();
		MemoizedSessionStore store = new MemoizedSessionStore(redisStore,
				new MemorySessionStore(64L * 1024 * 1024, 100, 0.9, Clock.systemUTC()), Coherence.VALIDATE);
		try {
			store.save(create("once"));
			for (int i = 0; i < 5; i++) {
				assertThat(store.find("once")).isNotNull();
			}
			assertThat(heldHandles(store)).as("handles opened by hits").isEmpty();
			assertThat(store.cacheStatistics().hits()).isEqualTo(5);

			store().save(set("once", "n", "from another instance"));
			assertThat(text(store.find("once"), "n")).isEqualTo("from another instance");

			assertThat(store.save(set("once", "n", "mine"))).isNotNull();
			assertThat(heldHandles(store)).as("handles opened by saves").containsOnlyKeys("once");
			assertThat(text(store().find("once"), "n")).isEqualTo("mine");
			assertThat(text(store.find("once"), "n")).isEqualTo("mine");
		}
		finally {
			store.close();
		}
		assertThat(heldHandles(store)).isEmpty();
	}

	private final String namespace = "hits-" + UUID.randomUUID();

	private RedisSessionStore store() {
		return RedisStores.store(new RedisCalls(redis.connectionFactory(), Duration.ofSeconds(5)), this.namespace,
				Clock.systemUTC());
	}

	@SuppressWarnings("unchecked")
	private static Map<String, ?> heldHandles(MemoizedSessionStore store) {
		Object cache = ReflectionTestUtils.getField(store, "sessionCache");
		Object handles = ReflectionTestUtils.getField(cache, "handles");
		return (Map<String, ?>) ReflectionTestUtils.getField(handles, "held");
	}

}
