package dev.sessionstarter.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.session.web.http.CookieHttpSessionIdResolver;
import org.springframework.session.web.http.CookieSerializer;
import org.springframework.session.web.http.HttpSessionIdResolver;
import org.springframework.session.web.http.SessionRepositoryFilter;

import dev.sessionstarter.lock.NoneSessionLockManager;
import dev.sessionstarter.lock.SessionLockFilter;
import dev.sessionstarter.lock.SessionLockManager;

/**
 * Gives Spring Session's {@link SessionRepositoryFilter} the lock filter's
 * {@linkplain SessionLockFilter#getSharedSessionIdResolver() sharing resolver}, so that a request's
 * session ids (its cookie) are resolved once, by the lock filter, rather than once by each filter.
 * It does so only when the lock filter runs and resolves ids as Spring Session's filter would:
 * with the application's {@link HttpSessionIdResolver}, or, when there is none, with cookies read
 * by the application's {@link CookieSerializer} (Spring Boot defines one). Otherwise the filter
 * keeps its own resolver.
 */
final class SessionIdSharing implements BeanPostProcessor {

	private final ObjectProvider<SessionLockFilter> lockFilter;

	private final ObjectProvider<SessionLockManager> lockManager;

	private final ObjectProvider<HttpSessionIdResolver> sessionIdResolver;

	private final ObjectProvider<CookieSerializer> cookieSerializer;

	SessionIdSharing(ObjectProvider<SessionLockFilter> lockFilter, ObjectProvider<SessionLockManager> lockManager,
			ObjectProvider<HttpSessionIdResolver> sessionIdResolver,
			ObjectProvider<CookieSerializer> cookieSerializer) {
		this.lockFilter = lockFilter;
		this.lockManager = lockManager;
		this.sessionIdResolver = sessionIdResolver;
		this.cookieSerializer = cookieSerializer;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof SessionRepositoryFilter<?> sessionFilter) {
			SessionLockFilter filter = this.lockFilter.getIfUnique();
			if (filter != null && resolvesAsSpringSession(filter)
					&& this.lockManager.getIfUnique() != NoneSessionLockManager.INSTANCE) {
				sessionFilter.setHttpSessionIdResolver(filter.getSharedSessionIdResolver());
			}
		}
		return bean;
	}

	private boolean resolvesAsSpringSession(SessionLockFilter filter) {
		HttpSessionIdResolver resolver = this.sessionIdResolver.getIfUnique();
		if (resolver != null) {
			return filter.getSessionIdResolver() == resolver;
		}
		return this.cookieSerializer.getIfUnique() != null
				&& filter.getSessionIdResolver() instanceof CookieHttpSessionIdResolver;
	}

}
