package dev.sessionstarter.autoconfigure;

import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.session.ReactiveSessionRepository;
import org.springframework.session.Session;
import org.springframework.web.server.WebFilter;

import dev.sessionstarter.web.SessionTooLargeWebFilter;

/**
 * Auto-configuration of the {@link SessionTooLargeWebFilter} of a reactive (WebFlux)
 * application, which answers {@code 413} when a session's save is refused for its size
 * ({@code sessions.max-session-size}), as {@link SessionSizeLimitAutoConfiguration} does for a
 * servlet one.
 */
@AutoConfiguration(after = ReactiveSessionStoreAutoConfiguration.class)
@ConditionalOnClass({ Session.class, Mono.class, WebFilter.class })
@ConditionalOnWebApplication(type = Type.REACTIVE)
public final class ReactiveSessionSizeLimitAutoConfiguration {

	@Bean
	@ConditionalOnBean(ReactiveSessionRepository.class)
	@ConditionalOnMissingBean
	SessionTooLargeWebFilter sessionTooLargeWebFilter() {
		return new SessionTooLargeWebFilter();
	}

}
