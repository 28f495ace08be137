package dev.sessionstarter.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.SessionRepository;

import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.file.FileSessionStore;

/**
 * The {@code file} store, and decoding of every attribute on load:
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


}
