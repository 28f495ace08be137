package dev.sessionstarter.autoconfigure;

import java.time.Clock;
import java.time.Duration;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.ClassUtils;

import dev.sessionstarter.store.redis.RedisCalls;
import dev.sessionstarter.store.redis.RedisKeys;
import dev.sessionstarter.store.redis.RedisSessionStore;

/**
 * The {@code redis} store ({@code sessions.redis.*}) over the application's
 * {@link RedisConnectionFactory}: Spring Boot's, configured by {@code spring.data.redis.*}, or
 * the application's own. Its native lock manager locks in this process for now
 * ({@link MemoryLockManagerConfiguration}); a Redis lock manager is to replace it. Without
 * Spring Data Redis on the classpath, startup stops with a message naming the dependency.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(StoreCondition.class)
@EnableConfigurationProperties(RedisStoreProperties.class)
class RedisStoreConfiguration {

	/**
	 * The store, in a class of its own so that its Spring Data Redis types are only loaded once
	 * they are known to be there.
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(SpringDataRedisCondition.class)
	static class Store {

		@Bean
		RedisSessionStore redisSessionStore(RedisConnectionFactory redisConnectionFactory,
				RedisStoreProperties redis, SessionsProperties sessions) {
			if (!(redisConnectionFactory instanceof LettuceConnectionFactory lettuce)) {
				throw new InvalidSessionsPropertyException("sessions.store", "redis",
						"needs Spring Data Redis's Lettuce client, and the RedisConnectionFactory bean is a "
								+ redisConnectionFactory.getClass().getName()
								+ ": use Spring Boot's default (spring.data.redis.client-type=lettuce)");
			}
			SettingsCheck.positive("sessions.redis.timeout", redis.getTimeout(), "2s");
			SettingsCheck.positive("sessions.purge-interval", sessions.getPurgeInterval(), "6m");
			return new RedisSessionStore(new RedisCalls(lettuce, redis.getTimeout()), keys(redis),
					expiryMargin(sessions.getPurgeInterval()), Clock.systemUTC());
		}

		private static RedisKeys keys(RedisStoreProperties redis) {
			String namespace = redis.getNamespace();
			if (namespace == null || namespace.isBlank() || namespace.indexOf('{') >= 0
					|| namespace.indexOf('}') >= 0) {
				throw new InvalidSessionsPropertyException("sessions.redis.namespace", namespace,
						"must be a key prefix without '{' or '}', such as sessions");
			}
			return new RedisKeys(namespace);
		}

		/**
		 * Keep a key two purge intervals past its session's expiry, so that a purge removes it
		 * (and reports it) before Redis does.
		 */
		private static Duration expiryMargin(Duration purgeInterval) {
			return purgeInterval.multipliedBy(2);
		}

	}

	/**
	 * Locks in this process, until the Redis lock manager serializes the requests of a session
	 * across instances.
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(NativeLockManagerCondition.class)
	static class NativeLockManager extends MemoryLockManagerConfiguration {

	}

	/**
	 * Matches when Spring Data Redis is on the classpath, and stops startup with an
	 * {@link InvalidSessionsPropertyException} naming the dependency to add when it is not.
	 */
	static final class SpringDataRedisCondition extends SpringBootCondition {

		private static final String CONNECTION_FACTORY =
				"org.springframework.data.redis.connection.RedisConnectionFactory";

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			if (!ClassUtils.isPresent(CONNECTION_FACTORY, context.getClassLoader())) {
				boolean memoized = StoreSelection.of(context.getEnvironment()).store() == StoreType.MEMOIZED;
				throw new InvalidSessionsPropertyException(
						memoized ? "sessions.memoized.delegate" : "sessions.store", "redis",
						"needs Spring Data Redis on the classpath: add the dependency "
								+ "org.springframework.boot:spring-boot-starter-data-redis");
			}
			return ConditionOutcome
				.match(ConditionMessage.forCondition("Spring Data Redis").available(CONNECTION_FACTORY));
		}

	}

}
