package dev.sessionstarter.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.sessionstarter.autoconfigure.SessionStoreAutoConfiguration;
import dev.sessionstarter.metrics.SessionCacheMeterBinder;
import dev.sessionstarter.metrics.SessionStoreMeterBinder;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;

/**
 * Auto-configuration of the session store's meters, when Micrometer is on the classpath. Spring
 * Boot binds the {@link SessionStoreMeterBinder} (and, for the {@code memoized} store, the
 * {@link SessionCacheMeterBinder}) to the application's meter registry.
 */
@AutoConfiguration(after = SessionStoreAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(StoreSessionRepository.class)
public final class SessionStoreMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SessionStoreMeterBinder sessionStoreMeterBinder(StoreSessionRepository repository) {
		return new SessionStoreMeterBinder(repository);
	}

	@Bean
	@ConditionalOnBean(MemoizedSessionStore.class)
	@ConditionalOnMissingBean
	SessionCacheMeterBinder sessionCacheMeterBinder(MemoizedSessionStore store) {
		return new SessionCacheMeterBinder(store);
	}

}
