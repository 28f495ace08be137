package dev.sessionstarter.autoconfigure.metrics;

import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.sessionstarter.autoconfigure.SessionLockAutoConfiguration;
import dev.sessionstarter.autoconfigure.SessionStoreAutoConfiguration;
import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.metrics.DaemonClientMeterBinder;

/**
 * Auto-configuration of the meters of the session daemon clients (the daemon store's and the
 * daemon lock manager's), when Micrometer is on the classpath.
 */
@AutoConfiguration(after = { SessionStoreAutoConfiguration.class, SessionLockAutoConfiguration.class })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(DaemonClient.class)
public final class SessionDaemonMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	DaemonClientMeterBinder daemonClientMeterBinder(Map<String, DaemonClient> clients) {
		return new DaemonClientMeterBinder(clients);
	}

}
