package dev.sessionstarter.store.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/**
 * Redis stores for tests, each in a namespace of its own unless told to share one.
 */
final class RedisStores {

	private RedisStores() {
	}

	static RedisSessionStore store(RedisCalls calls, Clock clock) {
		return store(calls, "test-" + UUID.randomUUID(), clock);
	}

	static RedisSessionStore store(RedisCalls calls, String namespace, Clock clock) {
		return new RedisSessionStore(calls, new RedisKeys(namespace), Duration.ofMinutes(12), clock);
	}

}
