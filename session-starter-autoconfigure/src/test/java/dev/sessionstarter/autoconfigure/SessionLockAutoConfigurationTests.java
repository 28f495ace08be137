package dev.sessionstarter.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.DispatcherType;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.session.autoconfigure.SessionAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.web.http.HeaderHttpSessionIdResolver;
import org.springframework.session.web.http.HttpSessionIdResolver;
import org.springframework.session.web.http.SessionRepositoryFilter;
import org.springframework.test.util.ReflectionTestUtils;

import dev.sessionstarter.lock.LockStatistics;
import dev.sessionstarter.lock.LockTimeoutAction;
import dev.sessionstarter.lock.MemorySessionLockManager;
import dev.sessionstarter.lock.NoneSessionLockManager;
import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.lock.SessionLockFilter;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.file.FileSessionLockManager;
import dev.sessionstarter.store.file.FileSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;
import dev.sessionstarter.store.none.NoneSessionStore;

import static dev.sessionstarter.autoconfigure.StartupFailures.failsToBind;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SessionLockAutoConfiguration}.
 */
class SessionLockAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SessionStoreAutoConfiguration.class, SessionAutoConfiguration.class,
				SessionLockAutoConfiguration.class));

	@Test
	void usesTheMemoryLockManagerNativeToTheDefaultMemoryStore() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(MemorySessionLockManager.class);
			assertThat(context).hasSingleBean(SessionLockFilter.class);
			assertThat(context.getBean(LockStatistics.class).manager()).isEqualTo("memory");
		});
	}

	@Test
	void usesTheNoneLockManagerNativeToTheNoneStore() {
		this.contextRunner.withPropertyValues("sessions.store=none")
			.run((context) -> assertThat(context.getBean(SessionLockManager.class))
				.isSameAs(NoneSessionLockManager.INSTANCE));
	}

	@Test
	void usesTheFileLockManagerNativeToTheFileStore(@TempDir Path dir) {
		this.contextRunner.withPropertyValues("sessions.store=file", "sessions.file.dir=" + dir).run((context) -> {
			assertThat(context).hasSingleBean(FileSessionLockManager.class);
			assertThat(context.getBean(SessionLockManager.class).type()).isEqualTo("file");
		});
	}

	@Test
	void takesTheLocksOfTheSelectedStoreAlsoWithTheApplicationsOwnRepository(@TempDir Path dir) {
		WebApplicationContextRunner ownRepository = this.contextRunner
			.withBean(MapSessionRepository.class, () -> new MapSessionRepository(new ConcurrentHashMap<>()));
		ownRepository.withPropertyValues("sessions.store=file", "sessions.file.dir=" + dir).run((context) -> {
			assertThat(context).doesNotHaveBean(FileSessionStore.class);
			assertThat(context.getBean(SessionLockManager.class)).isInstanceOf(FileSessionLockManager.class);
		});
		ownRepository.withPropertyValues("sessions.store=none")
			.run((context) -> assertThat(context.getBean(SessionLockManager.class))
				.isSameAs(NoneSessionLockManager.INSTANCE));
		ownRepository.run((context) -> assertThat(context.getBean(SessionLockManager.class))
			.isInstanceOf(MemorySessionLockManager.class));
	}

	@Test
	void takesTheLocksOfTheSelectedStoreAlsoWithTheApplicationsOwnStore(@TempDir Path dir) {
		this.contextRunner.withBean(SessionStore.class, () -> NoneSessionStore.INSTANCE)
			.withPropertyValues("sessions.store=file", "sessions.file.dir=" + dir)
			.run((context) -> {
				assertThat(context.getBean(StoreSessionRepository.class).getStore())
					.isSameAs(NoneSessionStore.INSTANCE);
				assertThat(context.getBean(SessionLockManager.class)).isInstanceOf(FileSessionLockManager.class);
			});
	}

	@Test
	void usesTheFileLockManagerWithTheMemoryStoreWhenSelected(@TempDir Path dir) {
		this.contextRunner.withPropertyValues("sessions.lock.manager=file", "sessions.file.dir=" + dir)
			.run((context) -> {
				assertThat(context).hasSingleBean(FileSessionLockManager.class);
				assertThat(context).hasSingleBean(MemorySessionStore.class);
			});
	}

	@Test
	void usesTheMemoryLockManagerWithTheFileStoreWhenSelected(@TempDir Path dir) {
		this.contextRunner
			.withPropertyValues("sessions.store=file", "sessions.file.dir=" + dir, "sessions.lock.manager=memory")
			.run((context) -> {
				assertThat(context).hasSingleBean(MemorySessionLockManager.class);
				assertThat(context).doesNotHaveBean(FileSessionLockManager.class);
			});
	}

	@Test
	void usesTheMemoryLockManagerWithTheNoneStoreWhenSelected() {
		this.contextRunner.withPropertyValues("sessions.store=none", "sessions.lock.manager=memory")
			.run((context) -> assertThat(context).hasSingleBean(MemorySessionLockManager.class));
	}

	@Test
	void usesTheNoneLockManagerWithTheMemoryStoreWhenSelected() {
		this.contextRunner.withPropertyValues("sessions.lock.manager=none")
			.run((context) -> assertThat(context).hasSingleBean(NoneSessionLockManager.class)
				.doesNotHaveBean(MemorySessionLockManager.class));
	}

	@Test
	void doesNotRegisterTheFilterWithTheNoneLockManager() {
		this.contextRunner.withPropertyValues("sessions.lock.manager=none")
			.run((context) -> assertThat(
					context.getBean("sessionLockFilterRegistration", FilterRegistrationBean.class).isEnabled())
				.isFalse());
	}

	@Test
	void backsOffWhenTheApplicationDefinesASessionLockManager() {
		this.contextRunner.withUserConfiguration(CustomLockManagerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(SessionLockManager.class);
			assertThat(context.getBean(LockStatistics.class).manager()).isEqualTo("custom");
			assertThat(context).hasSingleBean(SessionLockFilter.class);
		});
	}

	@Test
	void registersTheFilterJustBeforeTheSessionRepositoryFilterForEveryDispatch() {
		this.contextRunner.run((context) -> {
			FilterRegistrationBean<?> registration = context.getBean("sessionLockFilterRegistration",
					FilterRegistrationBean.class);
			assertThat(registration.getFilter()).isSameAs(context.getBean(SessionLockFilter.class));
			assertThat(registration.getOrder()).isEqualTo(SessionRepositoryFilter.DEFAULT_ORDER - 1);
			assertThat(registration.determineDispatcherTypes()).containsExactlyInAnyOrder(DispatcherType.values());
			assertThat(registration.isEnabled()).isTrue();
		});
	}

	@Test
	void followsTheConfiguredOrderOfTheSessionRepositoryFilter() {
		this.contextRunner.withPropertyValues("spring.session.servlet.filter-order=10")
			.run((context) -> assertThat(
					context.getBean("sessionLockFilterRegistration", FilterRegistrationBean.class).getOrder())
				.isEqualTo(9));
	}

	@Test
	void resolvesSessionIdsWithTheApplicationsHttpSessionIdResolver() {
		this.contextRunner.withUserConfiguration(HeaderResolverConfiguration.class).run((context) -> {
			SessionLockFilter filter = context.getBean(SessionLockFilter.class);
			SessionLockManager manager = context.getBean(SessionLockManager.class);
			MockHttpServletRequest request = new MockHttpServletRequest();
			request.addHeader("X-Auth-Token", "abc");
			List<Integer> heldInChain = new ArrayList<>();
			filter.doFilter(request, new MockHttpServletResponse(),
					(req, response) -> heldInChain.add(manager.heldLocks()));
			assertThat(heldInChain).containsExactly(1);
		});
	}

	@Test
	void givesSpringSessionsFilterTheIdsTheLockFilterResolved() {
		this.contextRunner.run((context) -> assertThat(sessionFilterResolver(context))
			.isSameAs(context.getBean(SessionLockFilter.class).getSharedSessionIdResolver()));
	}

	@Test
	void givesSpringSessionsFilterTheIdsResolvedWithTheApplicationsHttpSessionIdResolver() {
		this.contextRunner.withUserConfiguration(HeaderResolverConfiguration.class).run((context) -> {
			SessionLockFilter filter = context.getBean(SessionLockFilter.class);
			assertThat(filter.getSessionIdResolver()).isSameAs(context.getBean(HttpSessionIdResolver.class));
			assertThat(sessionFilterResolver(context)).isSameAs(filter.getSharedSessionIdResolver());
		});
	}

	@Test
	void leavesSpringSessionsFilterItsOwnResolverWithTheNoneLockManager() {
		this.contextRunner.withPropertyValues("sessions.lock.manager=none")
			.run((context) -> assertThat(sessionFilterResolver(context))
				.isNotSameAs(context.getBean(SessionLockFilter.class).getSharedSessionIdResolver()));
	}

	private static @Nullable Object sessionFilterResolver(ApplicationContext context) {
		return ReflectionTestUtils.getField(context.getBean(SessionRepositoryFilter.class), "httpSessionIdResolver");
	}

	@Test
	void appliesTheLockTimeoutAndTimeoutAction() {
		this.contextRunner.withPropertyValues("sessions.lock.timeout=0s", "sessions.lock.on-timeout=reject")
			.run((context) -> {
				SessionLockFilter filter = context.getBean(SessionLockFilter.class);
				SessionLock held = context.getBean(SessionLockManager.class).tryLock("abc", Duration.ZERO);
				MockHttpServletRequest request = new MockHttpServletRequest();
				request.setCookies(new jakarta.servlet.http.Cookie("SESSION", "YWJj"));
				MockHttpServletResponse response = new MockHttpServletResponse();
				filter.doFilter(request, response, (req, res) -> res.getWriter().write("handled"));
				held.release();
				assertThat(response.getStatus()).isEqualTo(503);
				assertThat(response.getHeader("Retry-After")).isEqualTo("1");
				assertThat(context.getBean(LockStatistics.class).timeouts()).isOne();
				assertThat(context.getBean(SessionsProperties.class).getLock().getOnTimeout())
					.isEqualTo(LockTimeoutAction.REJECT);
			});
	}

	@Test
	void failsOnANegativeLockTimeoutNamingTheProperty() {
		this.contextRunner.withPropertyValues("sessions.lock.timeout=-1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidSessionsPropertyException.class)
				.hasMessageContaining("sessions.lock.timeout");
		});
	}

	@Test
	void failsOnAnUnknownLockManager() {
		this.contextRunner.withPropertyValues("sessions.lock.manager=zookeeper")
			.run(failsToBind("sessions.lock.manager", "zookeeper"));
	}

	@Test
	void registersNoFilterWithoutASessionRepositoryFilter() {
		new WebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(SessionAutoConfiguration.class, SessionLockAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(SessionLockManager.class);
				assertThat(context).doesNotHaveBean(SessionLockFilter.class);
				assertThat(context).doesNotHaveBean("sessionLockFilterRegistration");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomLockManagerConfiguration {

		@Bean
		SessionLockManager customLockManager() {
			return new SessionLockManager() {

				private final MemorySessionLockManager delegate = new MemorySessionLockManager();

				@Override
				public String type() {
					return "custom";
				}

				@Override
				public @Nullable SessionLock tryLock(String sessionId, Duration timeout) throws InterruptedException {
					return this.delegate.tryLock(sessionId, timeout);
				}

				@Override
				public int heldLocks() {
					return this.delegate.heldLocks();
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HeaderResolverConfiguration {

		@Bean
		HttpSessionIdResolver httpSessionIdResolver() {
			return HeaderHttpSessionIdResolver.xAuthToken();
		}

	}

}
