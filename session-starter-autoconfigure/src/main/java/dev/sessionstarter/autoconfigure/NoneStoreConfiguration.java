package dev.sessionstarter.autoconfigure;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

import dev.sessionstarter.store.none.NoneSessionStore;

/**
 * The {@code none} store, and its native lock manager, which locks nothing: there is no
 * session to protect.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(StoreCondition.class)
class NoneStoreConfiguration {

	@Bean
	NoneSessionStore noneSessionStore() {
		return NoneSessionStore.INSTANCE;
	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(NativeLockManagerCondition.class)
	static class NativeLockManager extends NoneLockManagerConfiguration {

	}

}
