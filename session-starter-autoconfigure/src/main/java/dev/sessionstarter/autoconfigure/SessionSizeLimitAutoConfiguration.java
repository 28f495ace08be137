package dev.sessionstarter.autoconfigure;

import java.util.EnumSet;

import jakarta.servlet.DispatcherType;

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
import org.springframework.session.Session;
import org.springframework.session.web.http.SessionRepositoryFilter;

import dev.sessionstarter.web.SessionTooLargeFilter;

/**
 * Auto-configuration of the {@link SessionTooLargeFilter}, which answers {@code 413} when a
 * session's save is refused for its size ({@code sessions.max-session-size}), registered before
 * the lock filter and Spring Session's {@link SessionRepositoryFilter}.
 */
@AutoConfiguration(after = { SessionStoreAutoConfiguration.class, SessionAutoConfiguration.class })
@ConditionalOnClass(Session.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@EnableConfigurationProperties(SessionProperties.class)
public final class SessionSizeLimitAutoConfiguration {

	@Bean
	@ConditionalOnBean(SessionRepositoryFilter.class)
	@ConditionalOnMissingBean(name = "sessionTooLargeFilterRegistration")
	FilterRegistrationBean<SessionTooLargeFilter> sessionTooLargeFilterRegistration(
			SessionProperties sessionProperties) {
		int sessionFilterOrder = sessionProperties.getServlet().getFilterOrder();
		FilterRegistrationBean<SessionTooLargeFilter> registration = new FilterRegistrationBean<>(
				new SessionTooLargeFilter());
		registration.setName("sessionTooLargeFilter");
		boolean room = sessionFilterOrder > Integer.MIN_VALUE + 1;
		registration.setOrder(room ? sessionFilterOrder - 2 : sessionFilterOrder);
		registration.setDispatcherTypes(EnumSet.allOf(DispatcherType.class));
		return registration;
	}

}
