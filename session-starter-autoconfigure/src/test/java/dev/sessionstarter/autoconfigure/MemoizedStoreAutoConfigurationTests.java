package dev.sessionstarter.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.session.autoconfigure.SessionAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.web.http.SessionRepositoryFilter;
import org.springframework.test.util.ReflectionTestUtils;

import dev.sessionstarter.actuate.endpoint.SessionStoreDescriptor;
import dev.sessionstarter.actuate.endpoint.SessionStoreEndpoint;
import dev.sessionstarter.autoconfigure.metrics.SessionStoreMetricsAutoConfiguration;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.metrics.SessionCacheMeterBinder;
import dev.sessionstarter.metrics.SessionMeterNames;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.memoized.CacheStatistics;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;
import dev.sessionstarter.store.file.FileSessionLockManager;
import dev.sessionstarter.store.file.FileSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static dev.sessionstarter.autoconfigure.StartupFailures.failsNaming;
import static dev.sessionstarter.autoconfigure.StartupFailures.failsToBind;
import static org.assertj.core.api.Assertions.assertThat;

class MemoizedStoreAutoConfigurationTests {

	@TempDir
	Path dir;

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SessionStoreAutoConfiguration.class, SessionAutoConfiguration.class,
				SessionStoreMetricsAutoConfiguration.class))
		.withPropertyValues("sessions.store=memoized");

	@Test
	void frontsTheFileStoreByDefaultWithFileRequestLocks() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(SessionLockAutoConfiguration.class))
			.withPropertyValues("sessions.file.dir=" + this.dir)
			.run((context) -> {
				MemoizedSessionStore store = context.getBean(MemoizedSessionStore.class);
				assertThat(store.getDelegate()).isSameAs(context.getBean(FileSessionStore.class));
				assertThat(store.getCoherence()).isEqualTo(Coherence.VALIDATE);
				assertThat(context.getBean(SessionStore.class)).isSameAs(store);
				assertThat(context.getBean(SessionLockManager.class)).isInstanceOf(FileSessionLockManager.class);
				StoreSessionRepository repository = context.getBean(StoreSessionRepository.class);
				StoredSession session = repository.createSession();
				session.setAttribute("a", 1);
				repository.save(session);
				assertThat(this.dir.toFile().list()).anyMatch((name) -> name.startsWith(session.getId()));
				assertThat(repository.findById(session.getId())).isNotNull();
				assertThat(store.cacheStatistics().hits()).isOne();
				assertThat(ReflectionTestUtils.getField(repository, "decodeOnLoad")).isEqualTo(true);
			});
	}

	@Test
	void exclusiveCoherenceOverFileHoldsFileLocksAndSerializesRequestsInMemory() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(SessionLockAutoConfiguration.class))
			.withPropertyValues("sessions.file.dir=" + this.dir, "sessions.memoized.coherence=exclusive")
			.run((context) -> {
				assertThat(context.getBean(SessionLockManager.class).type()).isEqualTo("memory");
				StoreSessionRepository repository = context.getBean(StoreSessionRepository.class);
				StoredSession session = repository.createSession();
				repository.save(session);
				MemoizedSessionStore store = context.getBean(MemoizedSessionStore.class);
				assertThat(store.cacheStatistics().heldLocks()).isOne();
				try (FileSessionLockManager otherProcess = FileSessionLockManager.forCache(this.dir)) {
					assertThat(otherProcess.tryLock(session.getId(), Duration.ZERO)).isNull();
				}
			});
	}

	@Test
	void exclusiveCoherenceOverFileWorksWithFileRequestLocks() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(SessionLockAutoConfiguration.class))
			.withPropertyValues("sessions.file.dir=" + this.dir, "sessions.memoized.coherence=exclusive",
					"sessions.lock.manager=file")
			.run((context) -> {
				SessionLockManager requestLocks = context.getBean(SessionLockManager.class);
				assertThat(requestLocks.type()).isEqualTo("file");
				StoreSessionRepository repository = context.getBean(StoreSessionRepository.class);
				StoredSession session = repository.createSession();
				repository.save(session);
				assertThat(context.getBean(MemoizedSessionStore.class).cacheStatistics().heldLocks()).isOne();
				try (var lock = requestLocks.tryLock(session.getId(), Duration.ZERO)) {
					assertThat(lock).isNotNull();
				}
			});
	}

	@Test
	void keepsSessionsOnlyInTheCacheWithoutADelegate() {
		this.contextRunner.withPropertyValues("sessions.memoized.delegate=none").run((context) -> {
			assertThat(context).hasSingleBean(MemoizedSessionStore.class);
			assertThat(context).doesNotHaveBean(MemorySessionStore.class);
			CacheStatistics cache = context.getBean(MemoizedSessionStore.class).cacheStatistics();
			assertThat(cache.delegate()).isEqualTo("none");
			assertThat(cache.coherence()).isEqualTo(Coherence.VALIDATE);
			assertThat(cache.maxSessions()).isEqualTo(100_000);
			assertThat(cache.maxBytes()).isEqualTo(64L * 1024 * 1024);
			StoreSessionRepository repository = context.getBean(StoreSessionRepository.class);
			assertThat(repository.getStatistics().store()).isEqualTo("memoized");
			StoredSession session = repository.createSession();
			repository.save(session);
			assertThat(repository.findById(session.getId())).isNotNull();
		});
	}

	@Test
	void boundsTheCacheWithMaxSessionsAndMaxSize() {
		this.contextRunner
			.withPropertyValues("sessions.memoized.delegate=none", "sessions.memoized.max-sessions=500",
					"sessions.memoized.max-size=2MB")
			.run((context) -> {
				CacheStatistics cache = context.getBean(MemoizedSessionStore.class).cacheStatistics();
				assertThat(cache.maxSessions()).isEqualTo(500);
				assertThat(cache.maxBytes()).isEqualTo(2L * 1024 * 1024);
			});
	}

	@Test
	void evictsOverMaxSizeFromTheCacheOnlyAndTheFilesKeepEverySession() {
		this.contextRunner
			.withPropertyValues("sessions.file.dir=" + this.dir, "sessions.memoized.max-size=64KB")
			.run((context) -> {
				StoreSessionRepository repository = context.getBean(StoreSessionRepository.class);
				MemoizedSessionStore store = context.getBean(MemoizedSessionStore.class);
				List<String> ids = new ArrayList<>();
				for (int i = 0; i < 200; i++) {
					StoredSession session = repository.createSession();
					session.setAttribute("page", i + "x".repeat(1000));
					repository.save(session);
					ids.add(session.getId());
					assertThat(store.cacheStatistics().bytes()).isLessThanOrEqualTo(64 * 1024);
				}
				CacheStatistics cache = store.cacheStatistics();
				assertThat(cache.evictions()).isGreaterThanOrEqualTo(100);
				assertThat(cache.sessions()).isLessThan(100);
				assertThat(repository.getStatistics().evicted()).isZero();
				assertThat(this.dir.toFile().list((directory, name) -> name.endsWith(".session"))).hasSize(200);
				for (int i = 0; i < 200; i++) {
					StoredSession session = repository.findById(ids.get(i));
					assertThat(session).isNotNull();
					assertThat((String) session.getAttribute("page")).startsWith(i + "x");
				}
			});
	}

	@Test
	void frontsTheApplicationsRepositoryAndBecomesThePrimaryRepository() {
		this.contextRunner.withUserConfiguration(ApplicationRepositoryConfiguration.class)
			.withPropertyValues("sessions.memoized.delegate=repository", "sessions.memoized.coherence=exclusive")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(StoreSessionRepository.class);
				assertThat(context).hasSingleBean(MapSessionRepository.class);
				assertThat(context).hasSingleBean(JavaSessionSerializer.class);
				assertThat(context.getBean(SessionRepository.class)).isInstanceOf(StoreSessionRepository.class);
				SessionRepositoryFilter<?> filter = context.getBean(SessionRepositoryFilter.class);
				assertThat(ReflectionTestUtils.getField(filter, "sessionRepository"))
					.isSameAs(context.getBean(StoreSessionRepository.class));
				MemoizedSessionStore store = context.getBean(MemoizedSessionStore.class);
				assertThat(store.getDelegate().type()).isEqualTo("repository");
				assertThat(store.getCoherence()).isEqualTo(Coherence.EXCLUSIVE);
				StoreSessionRepository repository = context.getBean(StoreSessionRepository.class);
				StoredSession session = repository.createSession();
				session.setAttribute("cart", "3 apples");
				repository.save(session);
				Session stored = context.getBean(MapSessionRepository.class).findById(session.getId());
				assertThat(stored).isNotNull();
				assertThat((String) stored.getAttribute("cart")).isEqualTo("3 apples");
			});
	}

	@Test
	void failsWhenValidateCoherenceFrontsTheApplicationsRepository() {
		this.contextRunner.withUserConfiguration(ApplicationRepositoryConfiguration.class)
			.withPropertyValues("sessions.memoized.delegate=repository")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidSessionsPropertyException.class)
					.hasMessageContaining("'sessions.memoized.coherence'")
					.hasMessageContaining("'exclusive'")
					.hasMessageContaining("(file, daemon, redis, none)");
			});
	}

	@Test
	void failsWhenTheRepositoryDelegateHasNoRepositoryToFront() {
		this.contextRunner.withPropertyValues("sessions.memoized.delegate=repository")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidSessionsPropertyException.class)
					.hasMessageContaining("'sessions.memoized.delegate'")
					.hasMessageContaining("SessionRepository bean");
			});
	}

	@Test
	void backsOffWhenTheApplicationDefinesARepositoryAndTheDelegateIsNotIt() {
		this.contextRunner.withUserConfiguration(ApplicationRepositoryConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(SessionRepository.class);
			assertThat(context).doesNotHaveBean(StoreSessionRepository.class);
			assertThat(context).doesNotHaveBean(MemoizedSessionStore.class);
		});
	}

	@Test
	void registersCacheMeters() {
		this.contextRunner.withPropertyValues("sessions.memoized.delegate=none")
			.withBean(SimpleMeterRegistry.class)
			.run((context) -> {
			assertThat(context).hasSingleBean(SessionCacheMeterBinder.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBean(SessionCacheMeterBinder.class).bindTo(registry);
			StoreSessionRepository repository = context.getBean(StoreSessionRepository.class);
			StoredSession session = repository.createSession();
			repository.save(session);
			repository.findById(session.getId());
			repository.findById("absent");
			assertThat(registry.get(SessionMeterNames.CACHE_GETS).tag("result", "hit").functionCounter().count())
				.isEqualTo(1);
			assertThat(registry.get(SessionMeterNames.CACHE_GETS).tag("result", "miss").functionCounter().count())
				.isEqualTo(1);
			assertThat(registry.get(SessionMeterNames.CACHE_SIZE).tag("store", "memoized").gauge().value())
				.isEqualTo(1);
			assertThat(registry.get(SessionMeterNames.CACHE_BYTES).gauge().value()).isPositive();
			assertThat(registry.get(SessionMeterNames.CACHE_EVICTIONS).functionCounter().count()).isZero();
		});
	}

	@Test
	void showsTheCacheInTheEndpoint() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
					SessionStoreEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=sessionstore",
					"sessions.memoized.delegate=none")
			.run((context) -> {
				StoreSessionRepository repository = context.getBean(StoreSessionRepository.class);
				StoredSession session = repository.createSession();
				repository.save(session);
				repository.findById(session.getId());
				repository.findById("absent");
				SessionStoreDescriptor.Cache cache = context.getBean(SessionStoreEndpoint.class).store().getCache();
				assertThat(cache).isNotNull();
				assertThat(cache.hitRatio()).isEqualTo(0.5);
				assertThat(cache.sessions()).isEqualTo(1);
				assertThat(cache.coherence()).isEqualTo("validate");
			});
	}

	@Test
	void failsOnAZeroMaxSessions() {
		this.contextRunner.withPropertyValues("sessions.memoized.max-sessions=0")
			.run(failsNaming("sessions.memoized.max-sessions"));
	}

	@Test
	void failsOnAZeroMaxSize() {
		this.contextRunner.withPropertyValues("sessions.memoized.max-size=0")
			.run(failsNaming("sessions.memoized.max-size"));
	}

	@Test
	void failsOnANegativeLockTimeout() {
		this.contextRunner
			.withPropertyValues("sessions.memoized.coherence=exclusive", "sessions.memoized.lock-timeout=-1s")
			.run(failsNaming("sessions.memoized.lock-timeout"));
	}

	@Test
	void failsOnAnUnknownCoherence() {
		this.contextRunner.withPropertyValues("sessions.memoized.coherence=sticky")
			.run(failsToBind("sessions.memoized.coherence", "sticky"));
	}

	@Test
	void failsOnAnUnknownDelegate() {
		this.contextRunner.withPropertyValues("sessions.memoized.delegate=jdbc")
			.run(failsToBind("sessions.memoized.delegate", "jdbc"));
	}

	@Test
	void failsWhenTheRepositoryDelegateHasTwoRepositoriesToFront() {
		this.contextRunner.withUserConfiguration(TwoApplicationRepositoriesConfiguration.class)
			.withPropertyValues("sessions.memoized.delegate=repository", "sessions.memoized.coherence=exclusive")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidSessionsPropertyException.class)
					.hasMessageContaining("'sessions.memoized.delegate'")
					.hasMessageContaining("exactly one SessionRepository bean")
					.hasMessageContaining("firstRepository")
					.hasMessageContaining("secondRepository");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class TwoApplicationRepositoriesConfiguration {

		@Bean
		MapSessionRepository firstRepository() {
			return new MapSessionRepository(new ConcurrentHashMap<>());
		}

		@Bean
		MapSessionRepository secondRepository() {
			return new MapSessionRepository(new ConcurrentHashMap<>());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ApplicationRepositoryConfiguration {

		@Bean
		MapSessionRepository applicationSessionRepository() {
			Map<String, Session> sessions = new ConcurrentHashMap<>();
			return new MapSessionRepository(sessions);
		}

	}

}
