package dev.sessionstarter.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonHeldLocks;
import dev.sessionstarter.daemon.client.DaemonSessionLockManager;
import dev.sessionstarter.lock.SessionLockManager;

/**
 * The {@code daemon} lock manager: request locks held by the session daemon
 * ({@code sessions.daemon.*}), through a client of its own: a few shared connections hold the
 * free locks taken, and a lock that must be waited for keeps a connection of its own. The daemon
 * store's configuration extends it for its native lock manager.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(LockManagerCondition.class)
class DaemonLockManagerConfiguration {

	/**
	 * The most connections the lock manager opens: its shared ones, and one per lock it waits
	 * for in the daemon (one request per session at a time, the others queue in the
	 * application). A bound, so that no load can make one application take the daemon's
	 * connections.
	 */
	static final int MAX_LOCK_CONNECTIONS = 64;

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(SessionLockManager.class)
	DaemonClient sessionDaemonLockClient(SessionsProperties properties) {
		return DaemonSettings.client(properties.getDaemon(), MAX_LOCK_CONNECTIONS);
	}

	@Bean
	@ConditionalOnMissingBean(SessionLockManager.class)
	DaemonSessionLockManager sessionLockManager(DaemonClient sessionDaemonLockClient, SessionsProperties properties,
			ObjectProvider<DaemonHeldLocks> heldLocks) {
		DaemonSessionLockManager manager = new DaemonSessionLockManager(sessionDaemonLockClient,
				properties.getDaemon().getLockLease());
		heldLocks.ifAvailable(manager::setHeldLocks);
		return manager;
	}

}
