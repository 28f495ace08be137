package dev.sessionstarter.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.sessionstarter.autoconfigure.SessionLockAutoConfiguration;
import dev.sessionstarter.lock.LockStatistics;
import dev.sessionstarter.metrics.SessionLockMeterBinder;

/**
 * Auto-configuration of the meters of request locking, when Micrometer is on the classpath.
 * Spring Boot binds the {@link SessionLockMeterBinder} to the application's meter registry.
 */
@AutoConfiguration(after = SessionLockAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(LockStatistics.class)
public final class SessionLockMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SessionLockMeterBinder sessionLockMeterBinder(LockStatistics statistics) {
		return new SessionLockMeterBinder(statistics);
	}

}
