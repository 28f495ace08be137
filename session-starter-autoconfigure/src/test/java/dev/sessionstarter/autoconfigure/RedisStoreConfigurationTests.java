package dev.sessionstarter.autoconfigure;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration;
import org.springframework.boot.data.redis.health.DataRedisHealthIndicator;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.session.actuate.endpoint.SessionsEndpoint;
import org.springframework.boot.session.autoconfigure.SessionsEndpointAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.test.util.ReflectionTestUtils;

import dev.sessionstarter.actuate.endpoint.SessionStoreEndpoint;
import dev.sessionstarter.autoconfigure.metrics.SessionStoreMetricsAutoConfiguration;
import dev.sessionstarter.metrics.SessionMeterNames;
import dev.sessionstarter.metrics.SessionStoreMeterBinder;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;
import dev.sessionstarter.store.redis.RedisCalls;
import dev.sessionstarter.store.redis.RedisHeldLocks;
import dev.sessionstarter.store.redis.RedisKeys;
import dev.sessionstarter.store.redis.RedisServer;
import dev.sessionstarter.store.redis.RedisSessionLockManager;
import dev.sessionstarter.store.redis.RedisSessionStore;

import static dev.sessionstarter.autoconfigure.StartupFailures.failsNaming;
import static org.assertj.core.api.Assertions.assertThat;

class RedisStoreConfigurationTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private final WebApplicationContextRunner contextRunner = RedisApplications.runner()
		.withPropertyValues("sessions.store=redis");

	@Test
	void keepsSessionsInRedisThroughBootsConnectionFactory() {
		this.contextRunner.withPropertyValues("spring.data.redis.port=" + redis.port()).run((context) -> {
			assertThat(context).hasSingleBean(RedisSessionStore.class);
			assertThat(context).doesNotHaveBean(MemorySessionStore.class);
			assertThat(context).hasSingleBean(RedisSessionLockManager.class);
			assertThat(ReflectionTestUtils.getField(context.getBean(RedisSessionStore.class), "heldLocks"))
				.isSameAs(context.getBean(RedisHeldLocks.class));
			RedisCalls calls = calls(context.getBean(RedisSessionStore.class));
			assertThat(ReflectionTestUtils.getField(calls, "factory"))
				.isSameAs(context.getBean(RedisConnectionFactory.class));
			assertThat(calls.address()).isEqualTo("localhost:" + redis.port());
			StoreSessionRepository repository = context.getBean(StoreSessionRepository.class);
			assertThat(repository.getStore()).isSameAs(context.getBean(RedisSessionStore.class));
			assertThat(ReflectionTestUtils.getField(repository, "decodeOnLoad")).isEqualTo(true);
			StoredSession session = repository.createSession();
			session.setAttribute("a", 1);
			repository.save(session);
			assertThat((Integer) repository.findById(session.getId()).getAttribute("a")).isEqualTo(1);
		});
	}

	@Test
	void countsInTheMetersAndTheEndpointOfEveryStore() {
		this.contextRunner
			.withPropertyValues("spring.data.redis.port=" + redis.port(), "sessions.redis.namespace=meters")
			.withConfiguration(AutoConfigurations.of(SessionStoreEndpointAutoConfiguration.class,
					SessionStoreMetricsAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=sessionstore")
			.run((context) -> {
				StoreSessionRepository repository = context.getBean(StoreSessionRepository.class);
				repository.save(repository.createSession());
				MeterRegistry registry = new SimpleMeterRegistry();
				context.getBean(SessionStoreMeterBinder.class).bindTo(registry);
				assertThat(registry.get(SessionMeterNames.STORE_SIZE).tag("store", "redis").gauge().value()).isOne();
				assertThat(registry.get(SessionMeterNames.STORE_FENCED_SAVES).tag("store", "redis")
					.functionCounter()
					.count()).isZero();
				assertThat(context.getBean(SessionStoreEndpoint.class).store().getStore()).isEqualTo("redis");
				assertThat(context.getBean(SessionStoreEndpoint.class).store().getSessions()).isOne();
			});
	}

	@Test
	void leavesHealthToSpringBootsRedisHealthIndicator() {
		this.contextRunner.withPropertyValues("spring.data.redis.port=" + redis.port())
			.withConfiguration(AutoConfigurations.of(HealthContributorAutoConfiguration.class,
					DataRedisHealthContributorAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(DataRedisHealthIndicator.class);
				assertThat(context.getBean(DataRedisHealthIndicator.class).health().getStatus())
					.isEqualTo(Status.UP);
			});
	}

	@Test
	void theSessionsEndpointListsAUsersSessionsOfEveryInstance() {
		WebApplicationContextRunner instance = this.contextRunner
			.withConfiguration(AutoConfigurations.of(SessionsEndpointAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=" + redis.port(), "sessions.redis.namespace=endpoint",
					"management.endpoints.web.exposure.include=sessions");
		instance.run((one) -> instance.run((two) -> {
			String fromOne = sessionOf(one.getBean(StoreSessionRepository.class), "alice");
			String fromTwo = sessionOf(two.getBean(StoreSessionRepository.class), "alice");
			for (SessionsEndpoint endpoint : List.of(one.getBean(SessionsEndpoint.class),
					two.getBean(SessionsEndpoint.class))) {
				assertThat(endpoint.sessionsForUsername("alice").getSessions()).extracting((session) -> session.getId())
					.containsExactlyInAnyOrder(fromOne, fromTwo);
			}
		}));
	}

	private static String sessionOf(StoreSessionRepository repository, String user) {
		StoredSession session = repository.createSession();
		session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, user);
		repository.save(session);
		return session.getId();
	}

	@Test
	void readsItsProperties() {
		this.contextRunner.withPropertyValues("sessions.redis.namespace=shop", "sessions.redis.timeout=750ms")
			.run((context) -> {
				RedisSessionStore store = context.getBean(RedisSessionStore.class);
				assertThat(((RedisKeys) ReflectionTestUtils.getField(writes(store), "keys")).namespace())
					.isEqualTo("shop");
				assertThat(ReflectionTestUtils.getField(calls(store), "timeout")).isEqualTo(Duration.ofMillis(750));
				assertThat(context.getBean(RedisStoreProperties.class).getLockLease())
					.isEqualTo(Duration.ofSeconds(30));
			});
	}

	@Test
	void letsSavesReleaseTheRequestLockWhenTheyComeAtTheEndOfTheRequest() {
		this.contextRunner.run((context) -> assertThat(
				ReflectionTestUtils.getField(writes(context.getBean(RedisSessionStore.class)), "savesReleaseLocks"))
			.isEqualTo(true));
	}

	@Test
	void keepsTheRequestLockAcrossSavesWhenEveryChangeIsFlushedAtOnce() {
		this.contextRunner.withPropertyValues("sessions.flush-mode=immediate")
			.run((context) -> assertThat(
					ReflectionTestUtils.getField(writes(context.getBean(RedisSessionStore.class)), "savesReleaseLocks"))
				.isEqualTo(false));
	}

	@Test
	void usesTheApplicationsOwnConnectionFactory() {
		this.contextRunner.withUserConfiguration(OwnConnectionFactory.class).run((context) -> {
			assertThat(context).hasSingleBean(RedisConnectionFactory.class);
			assertThat(ReflectionTestUtils.getField(calls(context.getBean(RedisSessionStore.class)), "factory"))
				.isSameAs(context.getBean("ownRedisConnectionFactory"));
			assertThat(calls(context.getBean(RedisSessionStore.class)).address())
				.isEqualTo("127.0.0.1:" + redis.port());
		});
	}

	@Test
	void aMemoizedCacheFrontsTheRedisStore() {
		this.contextRunner.withPropertyValues("sessions.store=memoized", "sessions.memoized.delegate=redis")
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisSessionStore.class);
				assertThat(context.getBean(StoreSessionRepository.class).getStore())
					.isInstanceOf(MemoizedSessionStore.class);
			});
	}

	@Test
	void refusesAnExclusiveMemoizedCacheInFrontOfRedis() {
		this.contextRunner
			.withPropertyValues("sessions.store=memoized", "sessions.memoized.delegate=redis",
					"sessions.memoized.coherence=exclusive")
			.run(failsNaming("sessions.memoized.coherence"));
	}

	@Test
	void stopsStartupNamingTheDependencyWithoutSpringDataRedis() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.run((context) -> {
				failsNaming("sessions.store").accept(context);
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("org.springframework.boot:spring-boot-starter-data-redis");
			});
	}

	@Test
	void stopsStartupNamingTheDelegateWithoutSpringDataRedis() {
		this.contextRunner.withPropertyValues("sessions.store=memoized", "sessions.memoized.delegate=redis")
			.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.run(failsNaming("sessions.memoized.delegate"));
	}

	@Test
	void rejectsANamespaceWithABrace() {
		this.contextRunner.withPropertyValues("sessions.redis.namespace=a{b")
			.run(failsNaming("sessions.redis.namespace"));
	}

	@Test
	void rejectsATimeoutOfZero() {
		this.contextRunner.withPropertyValues("sessions.redis.timeout=0s").run(failsNaming("sessions.redis.timeout"));
	}

	private static RedisCalls calls(RedisSessionStore store) {
		return (RedisCalls) ReflectionTestUtils.getField(writes(store), "calls");
	}

	private static Object writes(RedisSessionStore store) {
		return ReflectionTestUtils.getField(store, "writes");
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnConnectionFactory {

		@Bean
		LettuceConnectionFactory ownRedisConnectionFactory() {
			return new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
		}

	}

}
