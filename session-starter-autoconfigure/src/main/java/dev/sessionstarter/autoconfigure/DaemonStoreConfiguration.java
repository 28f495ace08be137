package dev.sessionstarter.autoconfigure;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

import dev.sessionstarter.daemon.client.DaemonClient;
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

	@Bean
	DaemonSessionStore daemonSessionStore(DaemonClient sessionDaemonClient) {
		return new DaemonSessionStore(sessionDaemonClient);
	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(NativeLockManagerCondition.class)
	static class NativeLockManager extends DaemonLockManagerConfiguration {

	}

}
