package dev.sessionstarter.autoconfigure;

import java.time.Clock;
import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.session.FlushMode;
import org.springframework.util.ClassUtils;

import dev.sessionstarter.store.redis.RedisHeldLocks;
import dev.sessionstarter.store.redis.RedisSessionStore;

/**
 * The {@code redis} store ({@code sessions.redis.*}) over the application's
 * {@link RedisConnectionFactory}: Spring Boot's, configured by {@code spring.data.redis.*}, or
 * the application's own. Its native lock manager is the {@code redis} one
 * ({@link RedisLockManagerConfiguration}), whose held locks fence the store's saves. Without
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
	@Import(RedisConnectingConfiguration.class)
	static class Store {

		@Bean
		RedisSessionStore redisSessionStore(RedisConnectionFactory redisConnectionFactory,
				RedisStoreProperties redis, SessionsProperties sessions, ObjectProvider<RedisHeldLocks> heldLocks,
				RedisConnectingStop redisConnectingStop) {
			SettingsCheck.positive("sessions.purge-interval", sessions.getPurgeInterval(), "6m");
			RedisSessionStore store = new RedisSessionStore(
					RedisSettings.calls(redisConnectionFactory, redis, "sessions.store", redisConnectingStop),
					RedisSettings.keys(redis),
					expiryMargin(sessions.getPurgeInterval(), sessions.getSavePeriod()), Clock.systemUTC(),
					heldLocks.getIfAvailable(RedisHeldLocks::new));
			// every change is a save: the saves of a request keep its lock until its end
			store.setSavesReleaseLocks(sessions.getFlushMode() != FlushMode.IMMEDIATE);
			return store;
		}

		/**
		 * Keep a key two purge intervals past its session's expiry, so that a purge removes it
		 * (and reports it) before Redis does, and a save period more: the lag the stored access
		 * time of a session in use may have.
		 */
		private static Duration expiryMargin(Duration purgeInterval, Duration savePeriod) {
			return purgeInterval.multipliedBy(2).plus(savePeriod);
		}

	}

	/**
	 * Request locks in Redis, which serialize the requests of a session across instances and
	 * fence the store's saves.
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional({ NativeLockManagerCondition.class, SpringDataRedisCondition.class })
	static class NativeLockManager extends RedisLockManagerConfiguration {

	}

	/**
	 * Matches when Spring Data Redis is on the classpath, and stops startup with an
	 * {@link InvalidSessionsPropertyException} naming the dependency to add, and the property
	 * that asked for Redis, when it is not.
	 */
	static final class SpringDataRedisCondition extends SpringBootCondition {

		private static final String CONNECTION_FACTORY =
				"org.springframework.data.redis.connection.RedisConnectionFactory";

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			if (!ClassUtils.isPresent(CONNECTION_FACTORY, context.getClassLoader())) {
				throw new InvalidSessionsPropertyException(property(StoreSelection.of(context.getEnvironment())),
						"redis",
						"needs Spring Data Redis on the classpath: add the dependency "
								+ "org.springframework.boot:spring-boot-starter-data-redis");
			}
			return ConditionOutcome
				.match(ConditionMessage.forCondition("Spring Data Redis").available(CONNECTION_FACTORY));
		}

		private static String property(StoreSelection selection) {
			if (selection.store() == StoreType.REDIS) {
				return "sessions.store";
			}
			if (selection.store() == StoreType.MEMOIZED && selection.delegate().store() == StoreType.REDIS) {
				return "sessions.memoized.delegate";
			}
			return "sessions.lock.manager";
		}

	}

}
