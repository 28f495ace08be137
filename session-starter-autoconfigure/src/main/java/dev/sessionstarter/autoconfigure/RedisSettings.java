package dev.sessionstarter.autoconfigure;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.sessionstarter.store.redis.RedisCalls;
import dev.sessionstarter.store.redis.RedisKeys;

/**
 * The checked {@code sessions.redis.*} settings, as the {@code redis} store and lock manager
 * configurations read them.
 */
final class RedisSettings {

	private RedisSettings() {
	}

	/**
	 * Return the calls to Redis over the application's connection factory.
	 * @param factory the connection factory
	 * @param redis the settings
	 * @param property the property that selected Redis, and {@code value} its value, for the
	 * message of a factory that is not Lettuce's
	 * @return the calls, with the deadline {@code sessions.redis.timeout}, connected (see
	 * {@link RedisCalls#connect()})
	 */
	static RedisCalls calls(RedisConnectionFactory factory, RedisStoreProperties redis, String property) {
		if (!(factory instanceof LettuceConnectionFactory lettuce)) {
			throw new InvalidSessionsPropertyException(property, "redis",
					"needs Spring Data Redis's Lettuce client, and the RedisConnectionFactory bean is a "
							+ factory.getClass().getName()
							+ ": use Spring Boot's default (spring.data.redis.client-type=lettuce)");
		}
		SettingsCheck.positive("sessions.redis.timeout", redis.getTimeout(), "2s");
		RedisCalls calls = new RedisCalls(lettuce, redis.getTimeout());
		calls.connect();
		return calls;
	}

	/**
	 * Return the keys of the configured namespace.
	 * @param redis the settings
	 * @return the keys
	 */
	static RedisKeys keys(RedisStoreProperties redis) {
		String namespace = redis.getNamespace();
		if (namespace == null || namespace.isBlank() || namespace.indexOf('{') >= 0 || namespace.indexOf('}') >= 0) {
			throw new InvalidSessionsPropertyException("sessions.redis.namespace", namespace,
					"must be a key prefix without '{' or '}', such as sessions");
		}
		return new RedisKeys(namespace);
	}

}
