package dev.sessionstarter.autoconfigure;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.SessionRepository;

import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonSessionStore;
import dev.sessionstarter.serialization.SessionSerializer;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;
import dev.sessionstarter.store.memoized.RepositorySessionStore;
import dev.sessionstarter.store.file.FileSessionLockManager;
import dev.sessionstarter.store.file.FileSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * The {@code memoized} store: a cache over the delegate {@code sessions.memoized.delegate}
 * names. Over the {@code file} delegate in exclusive coherence the cache holds a file lock on
 * every cached session, in the directory's cache lock file (see
 * {@link FileSessionLockManager#forCache}); and, as for the file store, every attribute is
 * decoded on load, as it is over the {@code daemon} delegate (validate coherence only). With
 * the {@code repository}
 * delegate the application's own {@link SessionRepository} bean becomes the delegate, and the
 * starter's repository, marked primary, is the one Spring Session uses; with any other delegate
 * the store backs off, like every store, when the application defines a
 * {@link SessionRepository}.
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
		MemoizedDelegateResources memoizedDelegateResources(SessionsProperties properties) {
			SessionsProperties.Memoized memoized = properties.getMemoized();
			if (memoized.getDelegate() != MemoizedDelegate.FILE) {
				return new MemoizedDelegateResources(null, null);
			}
			SessionsProperties.File file = properties.getFile();
			FileSessionStore store = new FileSessionStore(file.getDir(), file.getFormat(), file.isFsync());
			if (memoized.getCoherence() != Coherence.EXCLUSIVE) {
				return new MemoizedDelegateResources(store, null);
			}
			return new MemoizedDelegateResources(store, FileSessionLockManager.forCache(store.getDirectory()));
		}

		@Bean
		MemoizedSessionStore memoizedSessionStore(SessionsProperties properties, MemoizedDelegateResources resources,
				@Qualifier("sessionDaemonClient") ObjectProvider<DaemonClient> daemonClient) {
			SessionsProperties.Memoized memoized = properties.getMemoized();
			return switch (memoized.getDelegate()) {
				case FILE -> {
					MemoizedSessionStore store = memoized(Objects.requireNonNull(resources.store), memoized);
					if (resources.lockManager != null) {
						store.setLockManager(resources.lockManager, memoized.getLockTimeout());
					}
					yield store;
				}
				case DAEMON -> {
					if (memoized.getCoherence() != Coherence.VALIDATE) {
						throw new InvalidSessionsPropertyException("sessions.memoized.coherence",
								memoized.getCoherence().name().toLowerCase(Locale.ROOT),
								"cannot be used with sessions.memoized.delegate=daemon: it would hold a daemon lock, "
										+ "and so a connection, for every cached session. Use 'validate'");
					}
					yield memoized(new DaemonSessionStore(daemonClient.getObject()), memoized);
				}
				case NONE -> MemoizedSessionStore.standalone(cache(memoized));
				case REPOSITORY -> throw new InvalidSessionsPropertyException("sessions.memoized.delegate",
						"repository", "needs a SessionRepository bean of the application (such as Spring Session's "
								+ "RedisSessionRepository or JdbcIndexedSessionRepository), and there is none");
			};
		}

	}


	/**
	 * The file store and lock manager a memoized store uses as its delegate: not beans of their
	 * own (a second {@link SessionStore} bean would compete with the memoized one), but closed
	 * with the context, after the memoized store that depends on them.
	 */
	static final class MemoizedDelegateResources implements AutoCloseable {

		private final @Nullable FileSessionStore store;

		private final @Nullable FileSessionLockManager lockManager;

		MemoizedDelegateResources(@Nullable FileSessionStore store, @Nullable FileSessionLockManager lockManager) {
			this.store = store;
			this.lockManager = lockManager;
		}

		@Override
		public void close() {
			if (this.lockManager != null) {
				this.lockManager.close();
			}
			if (this.store != null) {
				this.store.close();
			}
		}

	}

	/**
	 * The client of the session daemon the cache fronts; a bean, so its health and meters show.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(SessionRepository.class)
	@ConditionalOnProperty(name = "sessions.memoized.delegate", havingValue = "daemon")
	static class DaemonDelegateConfiguration {

		@Bean(destroyMethod = "close")
		DaemonClient sessionDaemonClient(SessionsProperties properties) {
			return DaemonStoreConfiguration.client(properties);
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
