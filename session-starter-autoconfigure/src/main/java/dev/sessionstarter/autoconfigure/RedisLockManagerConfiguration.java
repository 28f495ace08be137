package dev.sessionstarter.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.sessionstarter.autoconfigure.RedisStoreConfiguration.SpringDataRedisCondition;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.redis.RedisHeldLocks;
import dev.sessionstarter.store.redis.RedisSessionLockManager;

/**
 * The {@code redis} lock manager: request locks in Redis ({@code sessions.redis.*}) over the
 * application's {@link RedisConnectionFactory}, usable with any store. The {@code redis} store's
 * configuration extends it for its native lock manager, and its store fences its saves with the
 * locks held here ({@link RedisHeldLocks}). Without Spring Data Redis on the classpath, startup
 * stops with a message naming the dependency.
 */
@Configuration(proxyBeanMethods = false)
@Conditional({ LockManagerCondition.class, SpringDataRedisCondition.class })
@EnableConfigurationProperties(RedisStoreProperties.class)
@Import(RedisConnectingConfiguration.class)
class RedisLockManagerConfiguration {

	@Bean
	@ConditionalOnMissingBean(SessionLockManager.class)
	RedisHeldLocks redisHeldLocks() {
		return new RedisHeldLocks();
	}

	@Bean
	@ConditionalOnMissingBean(SessionLockManager.class)
	RedisSessionLockManager sessionLockManager(RedisConnectionFactory redisConnectionFactory,
			RedisStoreProperties redis, RedisHeldLocks redisHeldLocks, RedisConnectingStop redisConnectingStop) {
		SettingsCheck.positive("sessions.redis.lock-lease", redis.getLockLease(), "30s");
		return new RedisSessionLockManager(
				RedisSettings.calls(redisConnectionFactory, redis, "sessions.lock.manager", redisConnectingStop),
				RedisSettings.keys(redis), redisHeldLocks, redis.getLockLease(), RedisSettings.lockRetain(redis));
	}

}
