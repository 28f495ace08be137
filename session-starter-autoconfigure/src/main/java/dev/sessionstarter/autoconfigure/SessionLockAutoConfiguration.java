package dev.sessionstarter.autoconfigure;

import java.util.EnumSet;

import jakarta.servlet.DispatcherType;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.session.autoconfigure.SessionAutoConfiguration;
import org.springframework.boot.session.autoconfigure.SessionProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.session.Session;
import org.springframework.session.web.http.CookieHttpSessionIdResolver;
import org.springframework.session.web.http.CookieSerializer;
import org.springframework.session.web.http.HttpSessionIdResolver;
import org.springframework.session.web.http.SessionRepositoryFilter;

import dev.sessionstarter.lock.LockStatistics;
import dev.sessionstarter.lock.NoneSessionLockManager;
import dev.sessionstarter.lock.SessionLockFilter;
import dev.sessionstarter.lock.SessionLockManager;

/**
 * Auto-configuration of request locking: the {@link SessionLockManager} that
 * {@code sessions.lock.manager} selects (unless the application defines one), with
 * {@code native} the one of the store {@code sessions.store} selects (also when the application's
 * own {@code SessionRepository} or {@code SessionStore} is in use), and the
 * {@link SessionLockFilter} that holds the lock of a request's session, registered just before
 * Spring Session's {@link SessionRepositoryFilter} ({@code spring.session.servlet.filter-order})
 * for every store, the application's own {@code SessionRepository} included; Spring Session's
 * filter then takes the session ids the lock filter resolved ({@link SessionIdSharing}). With the
 * {@code none} lock manager the filter is not registered, so requests cost what they cost
 * without locking.
 */
@AutoConfiguration(after = { SessionStoreAutoConfiguration.class, SessionAutoConfiguration.class })
@ConditionalOnClass(Session.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@EnableConfigurationProperties({ SessionsProperties.class, SessionProperties.class })
@Import({ LockManagerConfigurationImportSelector.class, NativeLockManagerImportSelector.class })
public final class SessionLockAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LockStatistics sessionLockStatistics(SessionLockManager manager) {
		return new LockStatistics(manager);
	}

	@Bean
	@ConditionalOnBean(SessionRepositoryFilter.class)
	@ConditionalOnMissingBean(SessionLockFilter.class)
	SessionLockFilter sessionLockFilter(SessionLockManager manager, LockStatistics statistics,
			SessionsProperties properties, ObjectProvider<HttpSessionIdResolver> sessionIdResolver,
			ObjectProvider<CookieSerializer> cookieSerializer) {
		SessionLockFilter filter = new SessionLockFilter(manager,
				sessionIdResolver.getIfAvailable(() -> cookieResolver(cookieSerializer)), statistics);
		SettingsCheck.notNegative("sessions.lock.timeout", properties.getLock().getTimeout(), "5s");
		filter.setTimeout(properties.getLock().getTimeout());
		filter.setTimeoutAction(properties.getLock().getOnTimeout());
		return filter;
	}

	/**
	 * The resolver {@code SpringHttpSessionConfiguration} gives the session filter when the
	 * application defines no {@link HttpSessionIdResolver}: cookies, read by the application's
	 * {@link CookieSerializer} (Spring Boot defines one from {@code server.servlet.session.cookie.*}).
	 */
	private static HttpSessionIdResolver cookieResolver(ObjectProvider<CookieSerializer> cookieSerializer) {
		CookieHttpSessionIdResolver resolver = new CookieHttpSessionIdResolver();
		cookieSerializer.ifAvailable(resolver::setCookieSerializer);
		return resolver;
	}

	@Bean
	static SessionIdSharing sessionIdSharing(ObjectProvider<SessionLockFilter> lockFilter,
			ObjectProvider<SessionLockManager> lockManager, ObjectProvider<HttpSessionIdResolver> sessionIdResolver,
			ObjectProvider<CookieSerializer> cookieSerializer) {
		return new SessionIdSharing(lockFilter, lockManager, sessionIdResolver, cookieSerializer);
	}

	@Bean
	@ConditionalOnBean(SessionRepositoryFilter.class)
	@ConditionalOnMissingBean(name = "sessionLockFilterRegistration")
	FilterRegistrationBean<SessionLockFilter> sessionLockFilterRegistration(SessionLockFilter filter,
			SessionLockManager manager, SessionProperties sessionProperties) {
		int sessionFilterOrder = sessionProperties.getServlet().getFilterOrder();
		FilterRegistrationBean<SessionLockFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setName("sessionLockFilter");
		registration.setOrder((sessionFilterOrder != Integer.MIN_VALUE) ? sessionFilterOrder - 1 : sessionFilterOrder);
		registration.setDispatcherTypes(EnumSet.allOf(DispatcherType.class));
		registration.setEnabled(manager != NoneSessionLockManager.INSTANCE);
		return registration;
	}

}
