package dev.sessionstarter.autoconfigure;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

import org.springframework.session.FlushMode;

import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonHeldLocks;
import dev.sessionstarter.daemon.client.DaemonSessionStore;

/**
 * The {@code daemon} store: sessions in a session-daemon process, reached through a
 * {@link DaemonClient} ({@code sessions.daemon.*}); and its native lock manager, locks held by
 * the same daemon.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(StoreCondition.class)
class DaemonStoreConfiguration {

	@Bean(destroyMethod = "close")
	DaemonClient sessionDaemonClient(SessionsProperties properties) {
		SessionsProperties.Daemon daemon = properties.getDaemon();
		return DaemonSettings.client(daemon, daemon.getPoolSize());
	}

	/**
	 * The request locks the daemon lock manager holds, shared with the store: the lock call
	 * answers the session and the save releases the lock, two calls a request; or, with
	 * {@code sessions.daemon.lock-retain}, keeps it for the session's next request here.
	 */
	@Bean(destroyMethod = "close")
	DaemonHeldLocks sessionDaemonHeldLocks(SessionsProperties properties) {
		return new DaemonHeldLocks(DaemonSettings.lockRetain(properties.getDaemon()));
	}

	@Bean
	DaemonSessionStore daemonSessionStore(DaemonClient sessionDaemonClient, DaemonHeldLocks sessionDaemonHeldLocks,
			SessionsProperties sessions) {
		DaemonSessionStore store = new DaemonSessionStore(sessionDaemonClient);
		store.setHeldLocks(sessionDaemonHeldLocks);
		// every change is a save: the saves of a request keep its lock until its end
		store.setSavesReleaseLocks(sessions.getFlushMode() != FlushMode.IMMEDIATE);
		return store;
	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(NativeLockManagerCondition.class)
	static class NativeLockManager extends DaemonLockManagerConfiguration {

	}

}
