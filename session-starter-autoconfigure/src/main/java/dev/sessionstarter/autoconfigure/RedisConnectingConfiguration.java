package dev.sessionstarter.autoconfigure;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The {@link RedisConnectingStop} of the {@code redis} store's and lock manager's calls, imported
 * by both configurations.
 */
@Configuration(proxyBeanMethods = false)
class RedisConnectingConfiguration {

	@Bean
	RedisConnectingStop redisConnectingStop(RedisConnectionFactory redisConnectionFactory) {
		return new RedisConnectingStop(redisConnectionFactory);
	}

}
