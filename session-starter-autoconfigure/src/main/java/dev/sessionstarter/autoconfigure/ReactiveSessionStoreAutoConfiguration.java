package dev.sessionstarter.autoconfigure;

import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.session.FlushMode;
import org.springframework.session.ReactiveSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.config.annotation.web.server.SpringWebSessionConfiguration;
import org.springframework.web.server.session.WebSessionManager;

import dev.sessionstarter.reactive.ReactiveStoreSessionRepository;
import dev.sessionstarter.reactive.SessionScheduler;
import dev.sessionstarter.store.StoreSessionRepository;

/**
 * Auto-configuration of a reactive (WebFlux) application's sessions: a
 * {@link ReactiveStoreSessionRepository} over the {@link StoreSessionRepository} that
 * {@link SessionStoreAutoConfiguration} configures from {@code sessions.*}, the bounded
 * {@link SessionScheduler} on which calls that may block run, and Spring Session's
 * {@link WebSessionManager} (bean {@code webSessionManager}, as {@code @EnableSpringWebSession}
 * defines it), which replaces WebFlux's in-memory one and reads session ids with Boot's
 * {@code WebSessionIdResolver} ({@code server.reactive.session.cookie.*}). Each backs off when the
 * application defines its own.
 */
@AutoConfiguration(after = SessionStoreAutoConfiguration.class,
		beforeName = "org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration")
@ConditionalOnClass({ Session.class, Mono.class, WebSessionManager.class })
@ConditionalOnWebApplication(type = Type.REACTIVE)
@EnableConfigurationProperties(SessionsProperties.class)
public final class ReactiveSessionStoreAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SessionScheduler sessionScheduler() {
		return new SessionScheduler();
	}

	/**
	 * The reactive repository over the starter's repository.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(StoreSessionRepository.class)
	static class ReactiveRepositoryConfiguration {

		@Bean
		@ConditionalOnMissingBean(ReactiveSessionRepository.class)
		ReactiveStoreSessionRepository reactiveSessionRepository(StoreSessionRepository repository,
				SessionScheduler scheduler, SessionsProperties properties) {
			if (properties.getFlushMode() == FlushMode.IMMEDIATE) {
				throw new InvalidSessionsPropertyException("sessions.flush-mode", "immediate",
						"must be 'on-save' in a reactive application: a WebSession is saved when its response "
								+ "is committed");
			}
			if (!repository.getStore().isNonBlocking()) {
				// a session that cannot be decoded is then dropped on the scheduler, not on first read
				repository.setDecodeOnLoad(true);
			}
			return new ReactiveStoreSessionRepository(repository, scheduler.get());
		}

	}

	/**
	 * Spring Session's {@link WebSessionManager} over the reactive repository, unless the
	 * application defines a {@code webSessionManager} (for example with
	 * {@code @EnableSpringWebSession}).
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(ReactiveRepositoryCondition.class)
	@ConditionalOnMissingBean(name = "webSessionManager")
	@Import(SpringWebSessionConfiguration.class)
	static class WebSessionManagerConfiguration {

	}

	/**
	 * Matches when there is a reactive repository: the starter's, over its repository, or the
	 * application's own. (The starter's is defined beside this condition, too late for a bean
	 * condition on it.)
	 */
	static class ReactiveRepositoryCondition extends AnyNestedCondition {

		ReactiveRepositoryCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnBean(StoreSessionRepository.class)
		static class StarterRepository {

		}

		@ConditionalOnBean(ReactiveSessionRepository.class)
		static class ApplicationRepository {

		}

	}

}
