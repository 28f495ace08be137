package dev.sessionstarter.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.SessionRepository;

import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonSessionStore;
import dev.sessionstarter.store.SessionStore;

/**
 * The {@code daemon} store: sessions in a session-daemon process, reached through a
 * {@link DaemonClient} ({@code sessions.daemon.*}). Values may come from other processes, so
 * the repository decodes every value on load and drops a session whose values no longer decode.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMissingBean({ SessionRepository.class, SessionStore.class })
@Conditional(StoreCondition.class)
class DaemonStoreConfiguration {

	@Bean(destroyMethod = "close")
	DaemonClient sessionDaemonClient(SessionsProperties properties) {
		return client(properties);
	}

	/**
	 * Create the client of the daemon's sessions from {@code sessions.daemon.*}.
	 * @param properties the properties
	 * @return the client
	 */
	static DaemonClient client(SessionsProperties properties) {
		SessionsProperties.Daemon daemon = properties.getDaemon();
		return new DaemonClient(daemon.parsedAddress(), daemon.getTimeout(), daemon.getPoolSize(),
				daemon.getPoolSize(), daemon.resolveToken());
	}

	@Bean
	DaemonSessionStore daemonSessionStore(DaemonClient sessionDaemonClient) {
		return new DaemonSessionStore(sessionDaemonClient);
	}


}
