package dev.sessionstarter.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.SessionRepository;
import org.springframework.session.config.SessionRepositoryCustomizer;

import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.file.FileSessionLockManager;
import dev.sessionstarter.store.file.FileSessionStore;

/**
 * The {@code file} store, its native lock manager (unless {@code sessions.lock.manager} names
 * another), and decoding of every attribute on load:
 * files may have been written by another version of the application, so a session whose
 * values no longer decode is dropped before the request sees it.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMissingBean({ SessionRepository.class, SessionStore.class })
@Conditional(StoreCondition.class)
class FileStoreConfiguration {

	@Bean
	FileSessionStore fileSessionStore(SessionsProperties properties) {
		SessionsProperties.File file = properties.getFile();
		return new FileSessionStore(file.getDir(), file.getFormat(), file.isFsync());
	}

	@Bean
	@ConditionalOnMissingBean(SessionLockManager.class)
	@ConditionalOnProperty(name = "sessions.lock.manager", havingValue = "native", matchIfMissing = true)
	FileSessionLockManager fileSessionLockManager(FileSessionStore fileSessionStore) {
		return new FileSessionLockManager(fileSessionStore);
	}

	@Bean
	SessionRepositoryCustomizer<StoreSessionRepository> fileStoreDecodeOnLoad() {
		return (repository) -> repository.setDecodeOnLoad(true);
	}

}
