package dev.sessionstarter.autoconfigure;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.SessionRepository;

import dev.sessionstarter.serialization.SessionSerializer;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;
import dev.sessionstarter.store.memoized.RepositorySessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * The {@code memoized} store: a cache over the delegate {@code sessions.memoized.delegate}
 * names. With the {@code repository} delegate the application's own {@link SessionRepository}
 * bean becomes the delegate, and the starter's repository, marked primary, is the one Spring
 * Session uses; with any other delegate the store backs off, like every store, when the
 * application defines a {@link SessionRepository}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMissingBean(SessionStore.class)
@Conditional(StoreCondition.class)
class MemoizedStoreConfiguration {

	/**
	 * The fraction of its bounds the cache evicts down to once it is over one of them.
	 */
	static final double CACHE_REDUCE_TO = 0.9;

	static MemorySessionStore cache(SessionsProperties.Memoized memoized) {
		return new MemorySessionStore(memoized.getMaxSize().toBytes(), memoized.getMaxSessions(), CACHE_REDUCE_TO,
				Clock.systemUTC());
	}

	static MemoizedSessionStore memoized(SessionStore delegate, SessionsProperties.Memoized memoized) {
		if (memoized.getCoherence() == Coherence.VALIDATE && !delegate.supportsVersionCheck()) {
			throw new InvalidSessionsPropertyException("sessions.memoized.coherence", "validate",
					"cannot be used with sessions.memoized.delegate=" + memoized.getDelegate().name().toLowerCase()
							+ ": that store keeps no version to check a cached copy against. Set it to 'exclusive' "
							+ "(needs sticky sessions), or use a delegate that supports 'validate' ("
							+ MemoizedDelegate.validating() + ")");
		}
		return new MemoizedSessionStore(delegate, cache(memoized), memoized.getCoherence());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(SessionRepository.class)
	static class OwnDelegateConfiguration {

		@Bean
		MemoizedSessionStore memoizedSessionStore(SessionsProperties properties) {
			SessionsProperties.Memoized memoized = properties.getMemoized();
			return switch (memoized.getDelegate()) {
				case NONE -> MemoizedSessionStore.standalone(cache(memoized));
				case REPOSITORY -> throw new InvalidSessionsPropertyException("sessions.memoized.delegate",
						"repository", "needs a SessionRepository bean of the application (such as Spring Session's "
								+ "RedisSessionRepository or JdbcIndexedSessionRepository), and there is none");
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "sessions.memoized.delegate", havingValue = "repository")
	@ConditionalOnBean(SessionRepository.class)
	static class RepositoryDelegateConfiguration {

		@Bean
		MemoizedSessionStore memoizedSessionStore(SessionsProperties properties, ListableBeanFactory beanFactory,
				SessionSerializer serializer) {
			SessionRepository<?> repository = applicationRepository(beanFactory);
			return memoized(new RepositorySessionStore(repository, serializer), properties.getMemoized());
		}

		/**
		 * Find the application's repository without creating the starter's own, which depends
		 * on this store.
		 */
		private static SessionRepository<?> applicationRepository(ListableBeanFactory beanFactory) {
			List<String> candidates = new ArrayList<>();
			for (String name : beanFactory.getBeanNamesForType(SessionRepository.class, true, false)) {
				Class<?> type = beanFactory.getType(name, false);
				if (type == null || !StoreSessionRepository.class.isAssignableFrom(type)) {
					candidates.add(name);
				}
			}
			if (candidates.size() != 1) {
				throw new InvalidSessionsPropertyException("sessions.memoized.delegate", "repository",
						"needs exactly one SessionRepository bean of the application to front, and there are "
								+ candidates.size() + ": " + candidates);
			}
			return beanFactory.getBean(candidates.get(0), SessionRepository.class);
		}

	}

}
