package dev.sessionstarter.autoconfigure;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.session.autoconfigure.SessionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.session.ReactiveSessionRepository;
import org.springframework.session.Session;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.session.CookieWebSessionIdResolver;
import org.springframework.web.server.session.WebSessionIdResolver;

import dev.sessionstarter.lock.LockStatistics;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.reactive.SessionLockWebFilter;
import dev.sessionstarter.reactive.SessionScheduler;

/**
 * Auto-configuration of request locking in a reactive (WebFlux) application: the
 * {@link SessionLockManager} that {@code sessions.lock.manager} selects, exactly as in a servlet
 * application, and the {@link SessionLockWebFilter} that holds the lock of a request's session
 * without blocking an event loop, for every {@link ReactiveSessionRepository}, the application's
 * own included. With the {@code none} lock manager the filter passes requests through. Ordered before
 * {@link SessionLockAutoConfiguration}, so that what follows that one (meters, the endpoint) sees
 * the lock manager of either stack.
 */
@AutoConfiguration(
		after = { SessionStoreAutoConfiguration.class, ReactiveSessionStoreAutoConfiguration.class,
				SessionAutoConfiguration.class },
		before = SessionLockAutoConfiguration.class)
@ConditionalOnClass({ Session.class, Mono.class, WebFilter.class })
@ConditionalOnWebApplication(type = Type.REACTIVE)
@EnableConfigurationProperties(SessionsProperties.class)
@Import({ LockManagerConfigurationImportSelector.class, NativeLockManagerImportSelector.class })
public final class ReactiveSessionLockAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LockStatistics sessionLockStatistics(SessionLockManager manager) {
		return new LockStatistics(manager);
	}

	@Bean
	@ConditionalOnBean({ ReactiveSessionRepository.class, SessionScheduler.class })
	@ConditionalOnMissingBean(SessionLockWebFilter.class)
	SessionLockWebFilter sessionLockWebFilter(SessionLockManager manager, LockStatistics statistics,
			SessionsProperties properties, ObjectProvider<WebSessionIdResolver> sessionIdResolver,
			SessionScheduler scheduler) {
		SettingsCheck.notNegative("sessions.lock.timeout", properties.getLock().getTimeout(), "5s");
		SessionLockWebFilter filter = new SessionLockWebFilter(manager,
				sessionIdResolver.getIfAvailable(CookieWebSessionIdResolver::new), statistics, scheduler.get());
		filter.setTimeout(properties.getLock().getTimeout());
		filter.setTimeoutAction(properties.getLock().getOnTimeout());
		return filter;
	}

}
