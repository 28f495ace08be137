package dev.sessionstarter.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import dev.sessionstarter.actuate.health.SessionDaemonHealthIndicator;
import dev.sessionstarter.daemon.client.DaemonClient;

/**
 * Auto-configuration of the session daemon's health indicator ({@code sessionDaemon}), when the
 * daemon store or the daemon lock manager is used and Spring Boot's health support is on the
 * classpath. It asks the daemon through the store's client, or the lock manager's when the
 * store is another.
 */
@AutoConfiguration(after = { SessionStoreAutoConfiguration.class, SessionLockAutoConfiguration.class })
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(DaemonClient.class)
@ConditionalOnEnabledHealthIndicator("sessionDaemon")
public final class SessionDaemonHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "sessionDaemonHealthIndicator")
	SessionDaemonHealthIndicator sessionDaemonHealthIndicator(DaemonClient sessionDaemonClient) {
		return new SessionDaemonHealthIndicator(sessionDaemonClient);
	}

}
