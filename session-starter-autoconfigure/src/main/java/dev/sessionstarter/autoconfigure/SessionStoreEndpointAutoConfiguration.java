package dev.sessionstarter.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.sessionstarter.actuate.endpoint.SessionStoreEndpoint;
import dev.sessionstarter.lock.LockStatistics;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;

/**
 * Auto-configuration of the {@code sessionstore} endpoint.
 */
@AutoConfiguration(after = { SessionStoreAutoConfiguration.class, SessionLockAutoConfiguration.class })
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnAvailableEndpoint(SessionStoreEndpoint.class)
@ConditionalOnBean(StoreSessionRepository.class)
public final class SessionStoreEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SessionStoreEndpoint sessionStoreEndpoint(StoreSessionRepository repository, SessionsProperties properties,
			ObjectProvider<LockStatistics> lockStatistics, ObjectProvider<MemoizedSessionStore> memoizedStore) {
		Double reduceTo = (properties.getStore() == StoreType.MEMORY) ? properties.getMemory().getReduceTo() : null;
		SessionStoreEndpoint endpoint = new SessionStoreEndpoint(repository, reduceTo, properties.getPurgeInterval());
		lockStatistics.ifAvailable((statistics) -> endpoint.setLockStatistics(statistics,
				properties.getLock().getTimeout()));
		memoizedStore.ifAvailable((store) -> endpoint.setCacheStatistics(store::cacheStatistics));
		return endpoint;
	}

}
