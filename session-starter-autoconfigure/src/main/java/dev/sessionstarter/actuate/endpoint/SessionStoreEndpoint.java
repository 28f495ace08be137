package dev.sessionstarter.actuate.endpoint;

import java.time.Duration;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.util.Assert;

import dev.sessionstarter.lock.LockStatistics;
import dev.sessionstarter.store.SessionIds;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.memoized.CacheStatistics;

/**
 * {@link Endpoint @Endpoint} that shows what the session store holds and does: its type,
 * limits, session count, bytes and counters (never attribute values), request locking when it
 * is set, and for the {@code memoized} store its cache (hits, misses, hit ratio, size, bytes,
 * evictions). {@code POST
 * /actuator/sessionstore/purge} purges expired sessions now, {@code POST
 * /actuator/sessionstore/reduce} evicts down to the reduced bound now, and {@code DELETE
 * /actuator/sessionstore/{id}} deletes one session.
 */
@Endpoint(id = "sessionstore")
public class SessionStoreEndpoint {

	private final StoreSessionRepository repository;

	private final SessionStoreDescriptor.Limits limits;

	private @Nullable LockStatistics lockStatistics;

	private Duration lockTimeout = Duration.ZERO;

	private @Nullable Supplier<CacheStatistics> cacheStatistics;

	/**
	 * Create an endpoint.
	 * @param repository the repository
	 * @param reduceTo the fraction of the bound eviction reduces to, or {@code null} if unbounded
	 * @param purgeInterval the time between purges
	 */
	public SessionStoreEndpoint(StoreSessionRepository repository, @Nullable Double reduceTo,
			Duration purgeInterval) {
		Assert.notNull(repository, "'repository' must not be null");
		this.repository = repository;
		long maxBytes = repository.getStatistics().usage().maxBytes();
		this.limits = new SessionStoreDescriptor.Limits((maxBytes >= 0) ? maxBytes : null, reduceTo,
				purgeInterval);
	}

	/**
	 * Set the request locking to report as well.
	 * @param statistics the lock statistics
	 * @param timeout the longest time a request waits for its lock
	 */
	public void setLockStatistics(LockStatistics statistics, Duration timeout) {
		Assert.notNull(statistics, "'statistics' must not be null");
		Assert.notNull(timeout, "'timeout' must not be null");
		this.lockStatistics = statistics;
		this.lockTimeout = timeout;
	}

	/**
	 * Set where the statistics of the store's cache come from, for the {@code memoized} store.
	 * @param cacheStatistics the source of the cache statistics
	 */
	public void setCacheStatistics(Supplier<CacheStatistics> cacheStatistics) {
		Assert.notNull(cacheStatistics, "'cacheStatistics' must not be null");
		this.cacheStatistics = cacheStatistics;
	}

	@ReadOperation
	public SessionStoreDescriptor store() {
		LockStatistics locks = this.lockStatistics;
		SessionStoreDescriptor.Lock lock = (locks != null) ? new SessionStoreDescriptor.Lock(locks.manager(),
				this.lockTimeout, locks.held(), locks.acquisitions(), locks.timeouts()) : null;
		Supplier<CacheStatistics> cache = this.cacheStatistics;
		return new SessionStoreDescriptor(this.repository.getStatistics(), this.limits, lock,
				(cache != null) ? cache.get() : null);
	}

	/**
	 * Run a maintenance action now: {@code purge} (remove expired sessions) or {@code reduce}
	 * (evict down to the reduced bound).
	 * @param action the action
	 * @return what it did
	 */
	@WriteOperation
	public ActionResult run(@Selector String action) {
		return switch (action) {
			case "purge" -> new ActionResult(action, this.repository.purgeExpiredSessions());
			case "reduce" -> new ActionResult(action, this.repository.reduce());
			default -> throw new InvalidEndpointRequestException("Unknown action '" + action + "'",
					"Unknown action: use 'purge' or 'reduce'");
		};
	}

	@DeleteOperation
	public void deleteSession(@Selector String sessionId) {
		if (!SessionIds.isValid(sessionId)) {
			throw new InvalidEndpointRequestException("Invalid session id", "Invalid session id");
		}
		this.repository.deleteById(sessionId);
	}

	/**
	 * The result of a maintenance action.
	 *
	 * @param action the action run
	 * @param removed the number of sessions it removed
	 */
	public record ActionResult(String action, int removed) implements
			org.springframework.boot.actuate.endpoint.OperationResponseBody {

	}

}
