package dev.sessionstarter.autoconfigure;

import java.time.Duration;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.sessionstarter.store.redis.RedisCalls;
import dev.sessionstarter.store.redis.RedisKeys;

/**
 * The checked {@code sessions.redis.*} settings, as the {@code redis} store and lock manager
 * configurations read them.
 */
final class RedisSettings {

	private static final Duration MIN_LOCK_RETAIN = Duration.ofSeconds(1);

	private RedisSettings() {
	}

	/**
	 * Return the calls to Redis over the application's connection factory.
	 * @param factory the connection factory
	 * @param redis the settings
	 * @param property the property that selected Redis, and {@code value} its value, for the
	 * message of a factory that is not Lettuce's
	 * @param stop what gives up the calls' connection being made as the application stops
	 * @return the calls, with the deadline {@code sessions.redis.timeout}, connected (see
	 * {@link RedisCalls#connect()})
	 */
	static RedisCalls calls(RedisConnectionFactory factory, RedisStoreProperties redis, String property,
			RedisConnectingStop stop) {
		if (!(factory instanceof LettuceConnectionFactory lettuce)) {
			throw new InvalidSessionsPropertyException(property, "redis",
					"needs Spring Data Redis's Lettuce client, and the RedisConnectionFactory bean is a "
							+ factory.getClass().getName()
							+ ": use Spring Boot's default (spring.data.redis.client-type=lettuce)");
		}
		SettingsCheck.positive("sessions.redis.timeout", redis.getTimeout(), "2s");
		RedisCalls calls = stop.add(new RedisCalls(lettuce, redis.getTimeout()));
		calls.connect();
		return calls;
	}

	/**
	 * Return the checked retention of request locks ({@code sessions.redis.lock-retain}).
	 * @param redis the settings
	 * @return zero (off), or at least a second
	 */
	static Duration lockRetain(RedisStoreProperties redis) {
		Duration retain = redis.getLockRetain();
		SettingsCheck.notNegative("sessions.redis.lock-retain", retain, "5s");
		if (!retain.isZero() && retain.compareTo(MIN_LOCK_RETAIN) < 0) {
			throw new InvalidSessionsPropertyException("sessions.redis.lock-retain", retain,
					"must be 0 (off) or at least 1s, such as 5s: an instance trusts a retained lock for half of it, "
							+ "and renews a lock taken from it every third, so a shorter one would seldom serve a "
							+ "request and renew locks all the time");
		}
		return retain;
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
