package dev.sessionstarter.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

import dev.sessionstarter.lock.NoneSessionLockManager;
import dev.sessionstarter.lock.SessionLockManager;

/**
 * The {@code none} lock manager. The none store's configuration extends it for its native lock
 * manager.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(LockManagerCondition.class)
class NoneLockManagerConfiguration {

	@Bean
	@ConditionalOnMissingBean(SessionLockManager.class)
	NoneSessionLockManager sessionLockManager() {
		return NoneSessionLockManager.INSTANCE;
	}

}
