package dev.sessionstarter.store.redis;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;

import org.springframework.data.redis.connection.RedisConnection;

import dev.sessionstarter.serialization.SessionSerializer;

/**
 * The repository contract on the redis store, on a real {@code redis-server}, with every value
 * encrypted.
 */
class EncryptedRedisStoreRepositoryTests extends RedisStoreRepositoryTests {

	/**
	 * Connect once before the first test, so that its first call does not also pay for starting
	 * Lettuce on a loaded machine (which can take longer than the store's deadline).
	 */
	@BeforeAll
	static void connect() {
		try (RedisConnection connection = redis.connectionFactory().getConnection()) {
			connection.ping();
		}
	}

	@Override
	protected SessionSerializer createSerializer(List<String> allowedClasses) {
		return encryptingSerializer(allowedClasses);
	}

}
