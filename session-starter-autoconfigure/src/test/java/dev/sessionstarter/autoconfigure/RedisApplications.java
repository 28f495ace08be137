package dev.sessionstarter.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.session.autoconfigure.SessionAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * The application the {@code redis} store's and lock manager's configuration tests start: Boot's
 * Redis and Spring Session auto-configuration with the starter's store and lock configuration,
 * given the properties of each test.
 */
final class RedisApplications {

	private RedisApplications() {
	}

	/**
	 * A runner of such an application.
	 * @return the runner
	 */
	static WebApplicationContextRunner runner() {
		return new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(
				DataRedisAutoConfiguration.class, SessionStoreAutoConfiguration.class,
				SessionAutoConfiguration.class, SessionLockAutoConfiguration.class));
	}

}
