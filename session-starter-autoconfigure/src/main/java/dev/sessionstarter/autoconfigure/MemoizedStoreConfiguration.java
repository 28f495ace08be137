package dev.sessionstarter.autoconfigure;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.session.SessionRepository;

import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.serialization.SessionSerializer;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;
import dev.sessionstarter.store.memoized.RepositorySessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * The {@code memoized} store ({@code sessions.memoized.*}): a cache over the delegate
 * {@code sessions.memoized.delegate} names. A delegate that is one of the stores is configured
 * by that store's own configuration, as when it is the store itself (see
 * {@link StoreCondition}), and the cache, marked primary, wraps it. With the {@code repository}
 * delegate the application's own {@link SessionRepository} bean is wrapped instead; with
 * {@code none} the cache is the store. In exclusive coherence the cache holds a lock on every
 * session it caches, from the delegate's {@link SessionStore#openCacheLocks()}. The native lock
 * manager is the delegate's in validate coherence, provided by the delegate's configuration,
 * and locks in this process otherwise.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(StoreCondition.class)
class MemoizedStoreConfiguration {

	/**
	 * The fraction of its bounds the cache evicts down to once it is over one of them.
	 */
	static final double CACHE_REDUCE_TO = 0.9;

	@Bean
	@Primary
	@ConditionalOnProperty(name = "sessions.memoized.delegate", havingValue = "none")
	MemoizedSessionStore memoizedSessionStore(SessionsProperties properties) {
		return MemoizedSessionStore.standalone(cache(properties.getMemoized()));
	}

	private static MemorySessionStore cache(SessionsProperties.Memoized memoized) {
		SettingsCheck.positive("sessions.memoized.max-sessions", memoized.getMaxSessions(), "100000");
		SettingsCheck.positive("sessions.memoized.max-size", memoized.getMaxSize(), "64MB");
		return new MemorySessionStore(memoized.getMaxSize().toBytes(), memoized.getMaxSessions(), CACHE_REDUCE_TO,
				Clock.systemUTC());
	}

	/**
	 * The cache in front of a delegate: one of the stores, or the application's repository.
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(FrontsADelegate.class)
	static class DelegateCacheConfiguration {

		@Bean
		@Primary
		MemoizedSessionStore memoizedSessionStore(SessionStore delegate, SessionsProperties properties,
				CacheLocks memoizedCacheLocks) {
			SessionsProperties.Memoized memoized = properties.getMemoized();
			SettingsCheck.notNegative("sessions.memoized.lock-timeout", memoized.getLockTimeout(), "100ms");
			if (memoized.getCoherence() == Coherence.VALIDATE && !delegate.supportsVersionCheck()) {
				throw new InvalidSessionsPropertyException("sessions.memoized.coherence", "validate",
						"cannot be used with sessions.memoized.delegate=" + memoized.getDelegate().value()
								+ ": that store keeps no version to check a cached copy against. Set it to "
								+ "'exclusive' (needs sticky sessions), or use a delegate that supports 'validate' ("
								+ MemoizedDelegate.validating() + ")");
			}
			MemoizedSessionStore store = new MemoizedSessionStore(delegate, cache(memoized), memoized.getCoherence());
			SessionLockManager locks = memoizedCacheLocks.open(delegate, memoized);
			if (locks != null) {
				store.setLockManager(locks, memoized.getLockTimeout());
			}
			return store;
		}

		@Bean
		CacheLocks memoizedCacheLocks() {
			return new CacheLocks();
		}

	}

	/**
	 * The application's own repository as the delegate.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "sessions.memoized.delegate", havingValue = "repository")
	static class RepositoryDelegateConfiguration {

		@Bean
		RepositorySessionStore repositorySessionStore(ListableBeanFactory beanFactory, SessionSerializer serializer) {
			return new RepositorySessionStore(applicationRepository(beanFactory), serializer);
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
			if (candidates.isEmpty()) {
				throw new InvalidSessionsPropertyException("sessions.memoized.delegate", "repository",
						"needs a SessionRepository bean of the application (such as Spring Session's "
								+ "RedisSessionRepository or JdbcIndexedSessionRepository), and there is none");
			}
			if (candidates.size() != 1) {
				throw new InvalidSessionsPropertyException("sessions.memoized.delegate", "repository",
						"needs exactly one SessionRepository bean of the application to front, and there are "
								+ candidates.size() + ": " + candidates);
			}
			return beanFactory.getBean(candidates.get(0), SessionRepository.class);
		}

	}

	/**
	 * Matches unless the cache is the store ({@code sessions.memoized.delegate=none}).
	 */
	static final class FrontsADelegate extends NoneNestedConditions {

		FrontsADelegate() {
			super(ConfigurationPhase.PARSE_CONFIGURATION);
		}

		@ConditionalOnProperty(name = "sessions.memoized.delegate", havingValue = "none")
		static class CacheIsTheStore {

		}

	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(NativeLockManagerCondition.class)
	static class NativeLockManager extends MemoryLockManagerConfiguration {

	}

	/**
	 * The locks a cache in exclusive coherence holds on the sessions it caches: opened from the
	 * delegate, and closed with the context after the cache that holds them.
	 */
	static final class CacheLocks implements AutoCloseable {

		private @Nullable SessionLockManager manager;

		/**
		 * Open the delegate's cache locks when the coherence needs them.
		 * @param delegate the store the cache fronts
		 * @param memoized the cache's settings
		 * @return the locks, or {@code null} if the cache holds none
		 * @throws InvalidSessionsPropertyException if exclusive coherence needs locks the
		 * delegate does not have
		 */
		@Nullable SessionLockManager open(SessionStore delegate, SessionsProperties.Memoized memoized) {
			if (memoized.getCoherence() != Coherence.EXCLUSIVE) {
				return null;
			}
			this.manager = delegate.openCacheLocks();
			if (this.manager == null && delegate.supportsVersionCheck()) {
				throw new InvalidSessionsPropertyException("sessions.memoized.coherence", "exclusive",
						"cannot be used with sessions.memoized.delegate=" + memoized.getDelegate().value()
								+ ": that store has no cache locks, locks a cache can hold on every session it "
								+ "caches for as long as it caches it. Use 'validate'");
			}
			return this.manager;
		}

		@Override
		public void close() throws Exception {
			if (this.manager instanceof AutoCloseable closeable) {
				closeable.close();
			}
		}

	}

}
