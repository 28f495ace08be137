package dev.sessionstarter.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.session.autoconfigure.SessionAutoConfiguration;
import org.springframework.boot.session.autoconfigure.SessionTimeout;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.session.MapSession;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.config.annotation.web.http.SpringHttpSessionConfiguration;
import org.springframework.session.web.http.SessionRepositoryFilter;
import org.springframework.util.ClassUtils;

import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.serialization.JsonSessionSerializer;
import dev.sessionstarter.serialization.SessionSerializer;
import dev.sessionstarter.store.PurgeScheduler;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.file.FileFormat;

/**
 * Auto-configuration of the session store that {@code sessions.store} selects: a
 * {@link StoreSessionRepository} over the store, the purge of expired sessions, and Spring
 * Session's {@link SessionRepositoryFilter} (Spring Boot creates none by itself). The
 * repository backs off when the application defines its own {@link SessionRepository}; the
 * filter is still provided so that repository is used. In a reactive application
 * {@link ReactiveSessionStoreAutoConfiguration} puts the same repository behind WebFlux. The one exception is the
 * {@code memoized} store with {@code sessions.memoized.delegate=repository}: it caches in front
 * of the application's repository, and the starter's repository is then the primary one.
 */
@AutoConfiguration(before = SessionAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass(Session.class)
@ConditionalOnWebApplication
@EnableConfigurationProperties(SessionsProperties.class)
public final class SessionStoreAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(SessionSerializer.class)
	@Conditional(StoreRepositoryCondition.class)
	SessionSerializer sessionSerializer(SessionsProperties properties, BeanFactory beanFactory) {
		for (String pattern : properties.getAllowedClasses()) {
			if (pattern == null || pattern.isBlank() || pattern.contains(";") || pattern.startsWith("!")) {
				throw new InvalidSessionsPropertyException("sessions.allowed-classes", pattern,
						"must be class name patterns such as com.example.Cart, com.example.* or com.example.**");
			}
		}
		if (properties.getFile().getFormat() == FileFormat.JSON && properties.getSerializer() == SerializerType.JAVA) {
			throw new InvalidSessionsPropertyException("sessions.serializer", "java",
					"must be 'json' (or unset) when sessions.file.format is 'json': a JSON session file "
							+ "embeds attribute values as JSON");
		}
		List<String> allowed = new ArrayList<>(properties.getAllowedClasses());
		if (AutoConfigurationPackages.has(beanFactory)) {
			AutoConfigurationPackages.get(beanFactory).forEach((name) -> allowed.add(name + ".**"));
		}
		ClassLoader classLoader = (beanFactory instanceof ConfigurableBeanFactory configurable)
				? configurable.getBeanClassLoader() : null;
		SessionSerializer serializer = (properties.resolveSerializer() == SerializerType.JSON)
				? JsonSerializerFactory.create(allowed, classLoader) : new JavaSessionSerializer(allowed, classLoader);
		return EncryptionSettings.apply(serializer, properties);
	}

	@Bean
	@Primary
	@Conditional(StoreRepositoryCondition.class)
	@ConditionalOnBean(SessionStore.class)
	StoreSessionRepository sessionRepository(SessionStore store, SessionSerializer serializer,
			SessionsProperties properties, ObjectProvider<SessionTimeout> sessionTimeout,
			ApplicationEventPublisher eventPublisher,
			ObjectProvider<SessionRepositoryCustomizer<StoreSessionRepository>> customizers) {
		StoreSessionRepository repository = new StoreSessionRepository(store, serializer);
		repository.setApplicationEventPublisher(eventPublisher);
		repository.setDefaultMaxInactiveInterval(timeout(sessionTimeout));
		repository.setSaveMode(properties.getSaveMode());
		repository.setFlushMode(properties.getFlushMode());
		SettingsCheck.positive("sessions.max-session-size", properties.getMaxSessionSize(), "1MB");
		repository.setMaxSessionSize(properties.getMaxSessionSize().toBytes());
		SettingsCheck.notNegative("sessions.save-period", properties.getSavePeriod(), "1m");
		repository.setSavePeriod(properties.getSavePeriod());
		customizers.orderedStream().forEach((customizer) -> customizer.customize(repository));
		return repository;
	}

	private static Duration timeout(ObjectProvider<SessionTimeout> sessionTimeout) {
		SessionTimeout configured = sessionTimeout.getIfAvailable();
		Duration timeout = (configured != null) ? configured.getTimeout() : null;
		return (timeout != null) ? timeout : MapSession.DEFAULT_MAX_INACTIVE_INTERVAL;
	}

	@Bean
	@ConditionalOnBean(StoreSessionRepository.class)
	PurgeScheduler sessionPurgeScheduler(StoreSessionRepository repository, SessionsProperties properties) {
		SettingsCheck.positive("sessions.purge-interval", properties.getPurgeInterval(), "6m");
		return new PurgeScheduler(repository, properties.getPurgeInterval());
	}

	/**
	 * Creates the JSON serializer apart from the configuration class, so that Jackson is only
	 * needed when it is selected.
	 */
	private static final class JsonSerializerFactory {

		private static final String JSON_MAPPER = "tools.jackson.databind.json.JsonMapper";

		static SessionSerializer create(List<String> allowed, @Nullable ClassLoader classLoader) {
			if (!ClassUtils.isPresent(JSON_MAPPER, classLoader)) {
				throw new InvalidSessionsPropertyException("sessions.serializer", "json",
						"needs Jackson 3 (tools.jackson.core:jackson-databind) on the classpath");
			}
			return new JsonSessionSerializer(allowed, classLoader);
		}

	}

	/**
	 * Hides {@code sessions.encryption.*} in the actuator's {@code env} and {@code configprops}
	 * endpoints, also when they are set to show values.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(SanitizingFunction.class)
	static class EncryptionKeySanitizerConfiguration {

		@Bean
		SanitizingFunction sessionsEncryptionKeySanitizer() {
			return (data) -> (data.getLowerCaseKey().startsWith("sessions.encryption.")
					|| data.getLowerCaseKey().startsWith("sessions_encryption_")) ? data.withSanitizedValue() : data;
		}

	}

	/**
	 * The configuration of every store, each guarded by its {@link StoreCondition}; none applies
	 * when the application defines its own {@link SessionStore}, or its own
	 * {@link SessionRepository} that no memoized cache fronts.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(SessionStore.class)
	@Conditional(StoreRepositoryCondition.class)
	@Import(StoreConfigurationImportSelector.class)
	static class StoreConfiguration {

	}

	/**
	 * Spring Session's filter and its configuration, unless the application already has them
	 * (for example through {@code @EnableSpringHttpSession}).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.SERVLET)
	@ConditionalOnMissingBean(SessionRepositoryFilter.class)
	@Import(SpringHttpSessionConfiguration.class)
	static class SessionRepositoryFilterConfiguration {

	}

}
