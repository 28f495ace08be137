package dev.sessionstarter.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.file.FileSessionLockManager;
import dev.sessionstarter.store.file.FileSessionStore;

/**
 * The {@code file} lock manager: the file store's own when it is the store (sharing its lock
 * file), else on {@code sessions.file.dir} for another store whose JVMs share a host.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMissingBean(SessionLockManager.class)
@Conditional(LockManagerCondition.class)
class FileLockManagerConfiguration {

	@Bean
	FileSessionLockManager sessionLockManager(ObjectProvider<FileSessionStore> fileSessionStore,
			SessionsProperties properties) {
		FileSessionStore store = fileSessionStore.getIfAvailable();
		return (store != null) ? new FileSessionLockManager(store)
				: new FileSessionLockManager(properties.getFile().getDir());
	}

}
