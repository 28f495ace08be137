package dev.sessionstarter.autoconfigure;

import java.time.Duration;
import java.util.Base64;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.session.autoconfigure.SessionAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.FlushMode;
import org.springframework.session.MapSession;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.SaveMode;
import org.springframework.session.SessionRepository;
import org.springframework.session.web.http.SessionRepositoryFilter;
import org.springframework.test.util.ReflectionTestUtils;

import dev.sessionstarter.autoconfigure.metrics.SessionStoreMetricsAutoConfiguration;
import dev.sessionstarter.metrics.SessionStoreMeterBinder;
import dev.sessionstarter.serialization.EncryptingSessionSerializer;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.serialization.SessionSerializer;
import dev.sessionstarter.store.PurgeScheduler;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.memory.MemorySessionStore;
import dev.sessionstarter.store.none.NoneSessionStore;

import static dev.sessionstarter.autoconfigure.StartupFailures.failsNaming;
import static org.assertj.core.api.Assertions.assertThat;

class SessionStoreAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SessionStoreAutoConfiguration.class, SessionAutoConfiguration.class,
				SessionStoreMetricsAutoConfiguration.class));

	@Test
	void usesTheMemoryStoreByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(StoreSessionRepository.class);
			assertThat(context).hasSingleBean(MemorySessionStore.class);
			assertThat(context).hasSingleBean(SessionRepositoryFilter.class);
			assertThat(context).hasSingleBean(PurgeScheduler.class);
			assertThat(context).hasSingleBean(JavaSessionSerializer.class);
			StoreSessionRepository repository = context.getBean(StoreSessionRepository.class);
			assertThat(repository.getStatistics().usage().maxBytes()).isEqualTo(4L * 1024 * 1024);
			assertThat(repository.getStatistics().store()).isEqualTo("memory");
		});
	}

	@Test
	void boundsTheMemoryStoreWithMaxSize() {
		this.contextRunner.withPropertyValues("sessions.store=memory", "sessions.memory.max-size=64KB")
			.run((context) -> assertThat(
					context.getBean(StoreSessionRepository.class).getStatistics().usage().maxBytes())
				.isEqualTo(64 * 1024));
	}

	@Test
	void usesTheNoneStoreWhenSelected() {
		this.contextRunner.withPropertyValues("sessions.store=none").run((context) -> {
			assertThat(context).hasSingleBean(NoneSessionStore.class);
			assertThat(context).doesNotHaveBean(MemorySessionStore.class);
			assertThat(context.getBean(StoreSessionRepository.class).getStatistics().store()).isEqualTo("none");
		});
	}

	@Test
	void backsOffWhenUserDefinesSessionRepository() {
		this.contextRunner.withUserConfiguration(UserRepositoryConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(SessionRepository.class);
			assertThat(context).hasSingleBean(MapSessionRepository.class);
			assertThat(context).doesNotHaveBean(StoreSessionRepository.class);
			assertThat(context).doesNotHaveBean(MemorySessionStore.class);
			assertThat(context).doesNotHaveBean(PurgeScheduler.class);
			assertThat(context).hasSingleBean(SessionRepositoryFilter.class);
		});
	}

	@Test
	void takesTheTimeoutFromSpringSessionTimeout() {
		this.contextRunner.withPropertyValues("spring.session.timeout=7m")
			.run((context) -> assertThat(context.getBean(StoreSessionRepository.class).createSession()
				.getMaxInactiveInterval()).isEqualTo(Duration.ofMinutes(7)));
	}

	@Test
	void usesSpringSessionsDefaultTimeoutWhenNoneIsSet() {
		this.contextRunner.run((context) -> assertThat(
				context.getBean(StoreSessionRepository.class).createSession().getMaxInactiveInterval())
			.isEqualTo(MapSession.DEFAULT_MAX_INACTIVE_INTERVAL));
	}

	@Test
	void appliesSaveAndFlushModes() {
		this.contextRunner.withPropertyValues("sessions.save-mode=always", "sessions.flush-mode=immediate")
			.run((context) -> {
				StoreSessionRepository repository = context.getBean(StoreSessionRepository.class);
				assertThat(ReflectionTestUtils.getField(repository, "saveMode")).isEqualTo(SaveMode.ALWAYS);
				assertThat(ReflectionTestUtils.getField(repository, "flushMode")).isEqualTo(FlushMode.IMMEDIATE);
			});
	}

	@Test
	void registersMetersWhenMicrometerIsPresent() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(SessionStoreMeterBinder.class));
	}

	@Test
	void registersNoMetersWithoutMicrometer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(StoreSessionRepository.class);
				assertThat(context).doesNotHaveBean(SessionStoreMeterBinder.class);
			});
	}

	@Test
	void failsOnAnUnknownStore() {
		this.contextRunner.withPropertyValues("sessions.store=jdbc").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidSessionsPropertyException.class)
				.hasMessageContaining("'jdbc'")
				.hasMessageContaining("'sessions.store'")
				.hasMessageContaining(StoreType.names());
		});
	}

	@Test
	void failsOnAZeroMaxSize() {
		this.contextRunner.withPropertyValues("sessions.memory.max-size=0")
			.run(failsNaming("sessions.memory.max-size"));
	}

	@Test
	void failsOnANegativeMaxSize() {
		this.contextRunner.withPropertyValues("sessions.memory.max-size=-1MB")
			.run(failsNaming("sessions.memory.max-size"));
	}

	@Test
	void failsOnAReduceToAboveOne() {
		this.contextRunner.withPropertyValues("sessions.memory.reduce-to=1.5")
			.run(failsNaming("sessions.memory.reduce-to"));
	}

	@Test
	void failsOnAReduceToOfZero() {
		this.contextRunner.withPropertyValues("sessions.memory.reduce-to=0")
			.run(failsNaming("sessions.memory.reduce-to"));
	}

	@Test
	void capsTheSessionSizeAtOneMegabyteByDefault() {
		this.contextRunner.run((context) -> assertThat(
				context.getBean(StoreSessionRepository.class).getMaxSessionSize())
			.isEqualTo(1024 * 1024));
	}

	@Test
	void capsTheSessionSizeWithMaxSessionSize() {
		this.contextRunner.withPropertyValues("sessions.max-session-size=64KB")
			.run((context) -> assertThat(context.getBean(StoreSessionRepository.class).getMaxSessionSize())
				.isEqualTo(64 * 1024));
	}

	@Test
	void failsOnAZeroMaxSessionSize() {
		this.contextRunner.withPropertyValues("sessions.max-session-size=0")
			.run(failsNaming("sessions.max-session-size"));
	}

	private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

	@Test
	void encryptsValuesWithAKey() {
		this.contextRunner.withPropertyValues("sessions.encryption.key=" + KEY)
			.run((context) -> assertThat(context.getBean(SessionSerializer.class))
				.isInstanceOf(EncryptingSessionSerializer.class)
				.asString()
				.doesNotContain(KEY));
	}

	@Test
	void failsOnAKeyThatIsNotBase64WithoutShowingIt() {
		this.contextRunner.withPropertyValues("sessions.encryption.key=not*base64*secret")
			.run(failsNaming("sessions.encryption.key").andThen((context) -> assertThat(context.getStartupFailure())
				.rootCause()
				.message()
				.doesNotContain("not*base64*secret")));
	}

	@Test
	void failsOnAKeyOfAWrongLength() {
		this.contextRunner
			.withPropertyValues("sessions.encryption.key=" + Base64.getEncoder().encodeToString(new byte[20]))
			.run(failsNaming("sessions.encryption.key"));
	}

	@Test
	void failsOnABadPreviousKeyNamingIt() {
		this.contextRunner.withPropertyValues("sessions.encryption.key=" + KEY, "sessions.encryption.previous-keys=abc")
			.run(failsNaming("sessions.encryption.previous-keys[0]"));
	}

	@Test
	void failsOnPreviousKeysWithoutAKey() {
		this.contextRunner.withPropertyValues("sessions.encryption.previous-keys=" + KEY)
			.run(failsNaming("sessions.encryption.key"));
	}

	@Test
	void failsOnEncryptionWithTheJsonFileFormat() {
		this.contextRunner.withPropertyValues("sessions.encryption.key=" + KEY, "sessions.file.format=json")
			.run(failsNaming("sessions.encryption.key"));
	}

	@Test
	void hidesTheKeysInTheActuatorEndpoints() {
		this.contextRunner.run((context) -> {
			SanitizingFunction sanitizer = context.getBean(SanitizingFunction.class);
			for (String key : List.of("sessions.encryption.key", "sessions.encryption.previous-keys[0]",
					"SESSIONS_ENCRYPTION_KEY")) {
				assertThat(sanitizer.apply(new SanitizableData(null, key, KEY)).getValue()).as(key)
					.isEqualTo(SanitizableData.SANITIZED_VALUE);
			}
			assertThat(sanitizer.apply(new SanitizableData(null, "sessions.store", "file")).getValue())
				.isEqualTo("file");
		});
	}

	@Test
	void failsOnANegativePurgeInterval() {
		this.contextRunner.withPropertyValues("sessions.purge-interval=-5m")
			.run(failsNaming("sessions.purge-interval"));
	}

	@Test
	void failsOnANegativeSavePeriod() {
		this.contextRunner.withPropertyValues("sessions.save-period=-1m").run(failsNaming("sessions.save-period"));
	}

	@Test
	void failsOnAnAllowedClassPatternThatRejects() {
		this.contextRunner.withPropertyValues("sessions.allowed-classes=!com.example.*")
			.run(failsNaming("sessions.allowed-classes"));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserRepositoryConfiguration {

		@Bean
		MapSessionRepository userSessionRepository() {
			return new MapSessionRepository(new java.util.concurrent.ConcurrentHashMap<>());
		}

	}

}
