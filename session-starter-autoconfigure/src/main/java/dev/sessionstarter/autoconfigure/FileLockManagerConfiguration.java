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
 * The {@code file} lock manager: the file store's own when there is one (the store, or the
 * delegate of a memoized cache; sharing its lock file), else on {@code sessions.file.dir} for
 * another store whose JVMs share a host. The file
 * store's configuration extends it for its native lock manager.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(LockManagerCondition.class)
class FileLockManagerConfiguration {

	@Bean
	@ConditionalOnMissingBean(SessionLockManager.class)
	FileSessionLockManager sessionLockManager(ObjectProvider<FileSessionStore> fileSessionStore,
			SessionsProperties properties) {
		FileSessionStore store = fileSessionStore.getIfAvailable();
		return (store != null) ? new FileSessionLockManager(store)
				: new FileSessionLockManager(FileStoreConfiguration.directory(properties.getFile()));
	}

}
