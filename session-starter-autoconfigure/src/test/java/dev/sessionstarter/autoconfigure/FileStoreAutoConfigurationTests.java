package dev.sessionstarter.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.session.actuate.endpoint.SessionsEndpoint;
import org.springframework.boot.session.autoconfigure.SessionAutoConfiguration;
import org.springframework.boot.session.autoconfigure.SessionsEndpointAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.util.FileSystemUtils;

import dev.sessionstarter.actuate.endpoint.SessionStoreEndpoint;
import dev.sessionstarter.actuate.health.FileSessionStoreHealthIndicator;
import dev.sessionstarter.autoconfigure.metrics.SessionStoreMetricsAutoConfiguration;
import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.metrics.SessionMeterNames;
import dev.sessionstarter.metrics.SessionStoreMeterBinder;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.serialization.JsonSessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.file.FileSessionLockManager;
import dev.sessionstarter.store.file.FileSessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the {@code file} store's auto-configuration.
 */
class FileStoreAutoConfigurationTests {

	@TempDir
	Path dir;

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SessionStoreAutoConfiguration.class,
				SessionStoreEndpointAutoConfiguration.class, SessionStoreMetricsAutoConfiguration.class,
				SessionsEndpointAutoConfiguration.class, SessionAutoConfiguration.class,
				SessionLockAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=*");

	private WebApplicationContextRunner fileStore() {
		return this.contextRunner.withPropertyValues("sessions.store=file", "sessions.file.dir=" + this.dir);
	}

	@Test
	void fileStoreUsesTheDirectoryTheBinaryFormatAndTheJavaSerializer() {
		fileStore().run((context) -> {
			assertThat(context).hasSingleBean(FileSessionStore.class)
				.hasSingleBean(FileSessionLockManager.class)
				.hasSingleBean(JavaSessionSerializer.class);
			FileSessionStore store = context.getBean(FileSessionStore.class);
			assertThat(store.getDirectory()).isEqualTo(this.dir.toRealPath());
			assertThat(store.getFormat()).isEqualTo(FileFormat.BINARY);
			assertThat(context.getBean(SessionLockManager.class).type()).isEqualTo("file");
		});
	}

	@Test
	void healthIndicatorChecksTheDirectoryWhenHealthIsPresent() {
		fileStore()
			.withConfiguration(AutoConfigurations.of(HealthContributorAutoConfiguration.class,
					SessionFileStoreHealthContributorAutoConfiguration.class))
			.run((context) -> {
				FileSessionStoreHealthIndicator indicator = context.getBean("sessionFileStoreHealthIndicator",
						FileSessionStoreHealthIndicator.class);
				assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
				FileSystemUtils.deleteRecursively(this.dir);
				Health down = indicator.health(true);
				assertThat(down.getStatus()).isEqualTo(Status.DOWN);
				assertThat(down.getDetails().get("error")).asString().contains("does not exist");
			});
	}

	@Test
	void healthIndicatorCanBeTurnedOff() {
		fileStore()
			.withConfiguration(AutoConfigurations.of(HealthContributorAutoConfiguration.class,
					SessionFileStoreHealthContributorAutoConfiguration.class))
			.withPropertyValues("management.health.sessionFileStore.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FileSessionStoreHealthIndicator.class));
	}

	@Test
	void healthIndicatorIsNotCreatedForAnotherStore() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(HealthContributorAutoConfiguration.class,
					SessionFileStoreHealthContributorAutoConfiguration.class))
			.withPropertyValues("sessions.store=memory")
			.run((context) -> assertThat(context).doesNotHaveBean(FileSessionStoreHealthIndicator.class));
	}

	@Test
	void jsonFormatImpliesTheJsonSerializer() {
		fileStore().withPropertyValues("sessions.file.format=json").run((context) -> {
			assertThat(context).hasSingleBean(JsonSessionSerializer.class);
			StoreSessionRepository repository = context.getBean(StoreSessionRepository.class);
			StoredSession session = repository.createSession();
			session.setAttribute("greeting", "hello");
			repository.save(session);
			assertThat(this.dir.resolve(session.getId() + ".json")).content().contains("\"greeting\" : \"hello\"");
		});
	}

	@Test
	void javaSerializerWithJsonFormatFailsAtStartup() {
		fileStore().withPropertyValues("sessions.file.format=json", "sessions.serializer=java").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidSessionsPropertyException.class)
				.hasMessageContaining("sessions.serializer");
		});
	}

	@Test
	void lockManagerBacksOffWhenTheApplicationDefinesOne() {
		fileStore().withUserConfiguration(CustomLockManagerConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(FileSessionLockManager.class));
	}

	@Test
	void lockManagerIsNotCreatedWhenAnotherManagerIsSelected() {
		fileStore().withPropertyValues("sessions.lock.manager=memory")
			.run((context) -> assertThat(context).doesNotHaveBean(FileSessionLockManager.class));
	}

	@Test
	void sessionsAndThePrincipalIndexSurviveARestart() {
		AtomicReference<String> id = new AtomicReference<>();
		fileStore().run((context) -> {
			StoreSessionRepository repository = context.getBean(StoreSessionRepository.class);
			StoredSession session = repository.createSession();
			session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "alice");
			session.setAttribute("cart", "2 books");
			repository.save(session);
			id.set(session.getId());
		});
		fileStore().run((context) -> {
			StoreSessionRepository repository = context.getBean(StoreSessionRepository.class);
			assertThat(repository.findById(id.get()).<String>getAttribute("cart")).isEqualTo("2 books");
			SessionsEndpoint sessions = context.getBean(SessionsEndpoint.class);
			assertThat(sessions.sessionsForUsername("alice").getSessions()).singleElement()
				.satisfies((session) -> assertThat(session.getId()).isEqualTo(id.get()));
		});
	}

	@Test
	void unreadableSessionsAreDroppedOnLoadAndCountedInMetersAndEndpoint() {
		fileStore().run((context) -> {
			StoreSessionRepository repository = context.getBean(StoreSessionRepository.class);
			StoredSession session = repository.createSession();
			session.setAttribute("value", "x");
			repository.save(session);
			Files.write(this.dir.resolve(session.getId() + ".session"), new byte[] { 1, 2, 3 });

			assertThat(repository.findById(session.getId())).isNull();

			MeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(SessionStoreMeterBinder.class).bindTo(registry);
			assertThat(registry.get(SessionMeterNames.STORE_QUARANTINED).tag("store", "file").functionCounter().count())
				.isOne();
			assertThat(registry.get(SessionMeterNames.STORE_SIZE).tag("store", "file").gauge().value()).isZero();
			assertThat(context.getBean(SessionStoreEndpoint.class).store().getCounters().quarantined()).isOne();
			assertThat(context.getBean(SessionStoreEndpoint.class).store().getStore()).isEqualTo("file");
		});
	}

	@Test
	void bytesOnDiskAreReported() {
		fileStore().run((context) -> {
			StoreSessionRepository repository = context.getBean(StoreSessionRepository.class);
			StoredSession session = repository.createSession();
			session.setAttribute("value", "x".repeat(1000));
			repository.save(session);
			long size = Files.size(this.dir.resolve(session.getId() + ".session"));
			MeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(SessionStoreMeterBinder.class).bindTo(registry);
			assertThat(registry.get(SessionMeterNames.STORE_BYTES).tag("store", "file").gauge().value())
				.isEqualTo(size);
			assertThat(registry.get(SessionMeterNames.STORE_SIZE).tag("store", "file").gauge().value()).isOne();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomLockManagerConfiguration {

		@Bean
		SessionLockManager customLockManager() {
			return new SessionLockManager() {

				@Override
				public String type() {
					return "custom";
				}

				@Override
				public SessionLock tryLock(String sessionId, Duration timeout) {
					return null;
				}

				@Override
				public int heldLocks() {
					return 0;
				}

			};
		}

	}

}
