package dev.sessionstarter.store.redis;

import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionRepositoryContractTests;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository contract on the memoized store in validate coherence over the redis store: a
 * cached copy is used after the version check, a single {@code HGET}.
 */
class MemoizedRedisRepositoryTests extends SessionRepositoryContractTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private RedisSessionStore redisStore;

	private MemorySessionStore cache;

	private MemoizedSessionStore store;

	@Override
	protected SessionStore createStore(Clock clock) {
		this.redisStore = RedisStores.store(new RedisCalls(redis.connectionFactory(), Duration.ofSeconds(5)), clock);
		this.cache = new MemorySessionStore(64L * 1024 * 1024, 100_000, 0.9, clock);
		this.store = new MemoizedSessionStore(this.redisStore, this.cache, Coherence.VALIDATE);
		return this.store;
	}

	@AfterEach
	void closeStore() {
		this.store.close();
	}

	@Override
	protected void assertConsistent() {
		assertThat(this.store.cacheStatistics().hits()).isPositive();
		for (int i = 0; i < 3; i++) {
			SessionRecord stored = this.redisStore.find(saved("check", i).getId());
			assertThat(this.redisStore.version(stored.id())).isEqualTo(stored.version());
		}
	}

}
