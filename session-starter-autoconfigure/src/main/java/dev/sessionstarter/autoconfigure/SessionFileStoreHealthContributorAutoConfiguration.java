package dev.sessionstarter.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import dev.sessionstarter.actuate.health.FileSessionStoreHealthIndicator;
import dev.sessionstarter.store.file.FileSessionStore;

/**
 * Auto-configuration of the file store's health indicator ({@code sessionFileStore}), when the
 * file store is used (on its own or behind a memoized cache) and Spring Boot's health support is
 * on the classpath.
 */
@AutoConfiguration(after = SessionStoreAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(FileSessionStore.class)
@ConditionalOnEnabledHealthIndicator("sessionFileStore")
public final class SessionFileStoreHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "sessionFileStoreHealthIndicator")
	FileSessionStoreHealthIndicator sessionFileStoreHealthIndicator(FileSessionStore fileSessionStore) {
		return new FileSessionStoreHealthIndicator(fileSessionStore);
	}

}
