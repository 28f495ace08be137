package dev.sessionstarter.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonSessionLockManager;
import dev.sessionstarter.lock.SessionLockManager;

/**
 * The {@code daemon} lock manager: request locks held by the session daemon
 * ({@code sessions.daemon.*}), through a client of its own, since every held lock keeps one
 * connection. The daemon store's configuration extends it for its native lock manager.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(LockManagerCondition.class)
class DaemonLockManagerConfiguration {

	/**
	 * The most locks one application holds in the daemon at once (one connection each); far
	 * more than a servlet container's request threads.
	 */
	static final int MAX_LOCK_CONNECTIONS = 1024;

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(SessionLockManager.class)
	DaemonClient sessionDaemonLockClient(SessionsProperties properties) {
		return DaemonSettings.client(properties.getDaemon(), MAX_LOCK_CONNECTIONS);
	}

	@Bean
	@ConditionalOnMissingBean(SessionLockManager.class)
	DaemonSessionLockManager sessionLockManager(DaemonClient sessionDaemonLockClient, SessionsProperties properties) {
		return new DaemonSessionLockManager(sessionDaemonLockClient, properties.getDaemon().getLockLease());
	}

}
