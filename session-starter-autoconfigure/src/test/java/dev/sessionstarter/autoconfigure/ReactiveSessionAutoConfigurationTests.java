package dev.sessionstarter.autoconfigure;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.session.autoconfigure.SessionAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.ReactiveMapSessionRepository;
import org.springframework.session.ReactiveSessionRepository;
import org.springframework.session.web.http.SessionRepositoryFilter;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.WebSessionManager;

import dev.sessionstarter.lock.LockStatistics;
import dev.sessionstarter.lock.MemorySessionLockManager;
import dev.sessionstarter.lock.SessionLockFilter;
import dev.sessionstarter.reactive.ReactiveStoreSessionRepository;
import dev.sessionstarter.reactive.SessionLockWebFilter;
import dev.sessionstarter.reactive.SessionScheduler;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.file.FileSessionLockManager;
import dev.sessionstarter.store.file.FileSessionStore;
import dev.sessionstarter.web.SessionTooLargeWebFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReactiveSessionStoreAutoConfiguration},
 * {@link ReactiveSessionLockAutoConfiguration} and {@link ReactiveSessionSizeLimitAutoConfiguration}.
 */
class ReactiveSessionAutoConfigurationTests {

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(
			SessionStoreAutoConfiguration.class, SessionAutoConfiguration.class,
			ReactiveSessionStoreAutoConfiguration.class, ReactiveSessionLockAutoConfiguration.class,
			ReactiveSessionSizeLimitAutoConfiguration.class, SessionLockAutoConfiguration.class);

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(CONFIGURATIONS)
		.withUserConfiguration(ServerPropertiesConfiguration.class);

	@Test
	void wiresTheReactiveRepositoryOverTheStoreRepository() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(StoreSessionRepository.class);
			ReactiveStoreSessionRepository reactive = context.getBean(ReactiveStoreSessionRepository.class);
			assertThat(reactive.getRepository()).isSameAs(context.getBean(StoreSessionRepository.class));
			assertThat(context).hasSingleBean(SessionScheduler.class);
			assertThat(context.getBean("webSessionManager")).isInstanceOf(DefaultWebSessionManager.class);
			assertThat(context).doesNotHaveBean(SessionRepositoryFilter.class);
		});
	}

	@Test
	void wiresTheSelectedStoreAndItsLocks(@TempDir Path dir) {
		this.contextRunner.withPropertyValues("sessions.store=file", "sessions.file.dir=" + dir).run((context) -> {
			assertThat(context.getBean(StoreSessionRepository.class).getStore()).isInstanceOf(FileSessionStore.class);
			assertThat(context).hasSingleBean(FileSessionLockManager.class);
			assertThat(context).hasSingleBean(SessionLockWebFilter.class);
			assertThat(context).doesNotHaveBean(SessionLockFilter.class);
			assertThat(context.getBean(LockStatistics.class).manager()).isEqualTo("file");
		});
	}

	@Test
	void locksWithTheMemoryLockManagerByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(MemorySessionLockManager.class);
			assertThat(context).hasSingleBean(SessionLockWebFilter.class);
		});
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsWebSessionManager() {
		WebSessionManager own = (exchange) -> Mono.empty();
		this.contextRunner.withBean("webSessionManager", WebSessionManager.class, () -> own)
			.run((context) -> {
				assertThat(context.getBean("webSessionManager")).isSameAs(own);
				assertThat(context).hasSingleBean(ReactiveStoreSessionRepository.class);
			});
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsReactiveRepository() {
		this.contextRunner
			.withBean(ReactiveMapSessionRepository.class, () -> new ReactiveMapSessionRepository(new ConcurrentHashMap<>()))
			.run((context) -> {
				assertThat(context).doesNotHaveBean(StoreSessionRepository.class);
				assertThat(context).doesNotHaveBean(ReactiveStoreSessionRepository.class);
				assertThat(context).hasSingleBean(ReactiveSessionRepository.class);
				assertThat(context.getBean("webSessionManager")).isInstanceOf(DefaultWebSessionManager.class);
				assertThat(context).hasSingleBean(SessionLockWebFilter.class);
			});
	}

	@Test
	void answersOversizedSessionsWith413() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(SessionTooLargeWebFilter.class));
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsSessionTooLargeWebFilter() {
		SessionTooLargeWebFilter own = new SessionTooLargeWebFilter();
		this.contextRunner.withBean("ownFilter", SessionTooLargeWebFilter.class, () -> own)
			.run((context) -> assertThat(context.getBean(SessionTooLargeWebFilter.class)).isSameAs(own));
	}

	@Test
	void refusesImmediateFlushMode() {
		this.contextRunner.withPropertyValues("sessions.flush-mode=immediate").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidSessionsPropertyException.class)
				.hasMessageContaining("sessions.flush-mode");
		});
	}

	@Test
	void leavesAServletApplicationWithoutReactiveClassesUnchanged() {
		new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withClassLoader(new FilteredClassLoader(Mono.class, WebFilter.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(StoreSessionRepository.class);
				assertThat(context).hasSingleBean(SessionRepositoryFilter.class);
				assertThat(context).hasSingleBean(SessionLockFilter.class);
				assertThat(context).doesNotHaveBean(ReactiveSessionRepository.class);
				assertThat(context).doesNotHaveBean(SessionScheduler.class);
				assertThat(context).doesNotHaveBean(SessionTooLargeWebFilter.class);
			});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(ServerProperties.class)
	static class ServerPropertiesConfiguration {

	}

}
