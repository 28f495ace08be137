package dev.sessionstarter.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

import dev.sessionstarter.lock.MemorySessionLockManager;
import dev.sessionstarter.lock.SessionLockManager;

/**
 * The {@code memory} lock manager. The configurations of the memory and memoized stores extend it
 * for their native lock manager.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(LockManagerCondition.class)
class MemoryLockManagerConfiguration {

	@Bean
	@ConditionalOnMissingBean(SessionLockManager.class)
	MemorySessionLockManager sessionLockManager() {
		return new MemorySessionLockManager();
	}

}
