package dev.sessionstarter.store.redis;

import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sessionstarter.reactive.ReactiveSessionRepositoryContractTests;
import dev.sessionstarter.store.SessionStore;

/**
 * The reactive repository contract on the redis store, on a real {@code redis-server}.
 */
class RedisStoreReactiveRepositoryTests extends ReactiveSessionRepositoryContractTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	@Override
	protected SessionStore createStore(Clock clock) {
		return RedisStores.store(new RedisCalls(redis.connectionFactory(), Duration.ofSeconds(5)), clock);
	}

}
