package dev.sessionstarter.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.SessionRepository;

import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.none.NoneSessionStore;

/**
 * The {@code none} store.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMissingBean({ SessionRepository.class, SessionStore.class })
@Conditional(StoreCondition.class)
class NoneStoreConfiguration {

	@Bean
	NoneSessionStore noneSessionStore() {
		return NoneSessionStore.INSTANCE;
	}

}
