package dev.sessionstarter.store.redis;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.event.connection.ConnectionDeactivatedEvent;
import io.lettuce.core.event.connection.DisconnectedEvent;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

import org.springframework.util.Assert;

import dev.sessionstarter.lock.MemorySessionLockManager;
import dev.sessionstarter.lock.ReleaseOnceLock;
import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.lock.SessionLockManager;

/**
 * A {@link SessionLockManager} whose locks are Redis keys ({@link RedisKeys#lock}), so they
 * exclude the requests of every instance that shares the Redis and namespace. A lock is set only
 * if absent, holding an owner token (the manager's random id and a count), with a lease that one
 * scheduler thread renews while the lock is held (every third of the lease); a killed instance's
 * locks free at the end of their lease. Release is compare-and-delete, and publishes the session
 * id, which wakes the waiters of every instance (one subscription per process); a waiter also
 * tries again when the holder's lease ends, in case the holder died. The request does not wait
 * for the release's answer: this process's next lock call of the session follows it on the
 * connection ({@link LockCalls}).
 *
 * <p>Within this process the requests of one id queue for it first come, first served, in a
 * {@link MemorySessionLockManager}, and only the first of them asks Redis. Taking a lock also
 * answers the session's hash, which {@link RedisSessionStore} serves instead of loading it
 * again, and the owner token fences the store's saves ({@link RedisHeldLocks}); a save releases
 * the lock in Redis in its own script, and the release of the lock then only lets this process's
 * next waiter in (unless the store's saves keep the lock:
 * {@link RedisSessionStore#setSavesReleaseLocks}).
 *
 * <p>With a retention ({@code sessions.redis.lock-retain}), a save keeps the lock in Redis for
 * that time instead of releasing it, and the session's next request in this process takes it
 * without a round trip while this process may trust it ({@link Retentions}); another instance
 * that wants it asks for it. Any lost connection makes this process trust none of its retained
 * locks ({@link RedisHeldLocks#connectionLost()}).
 *
 * <p>Every call has the deadline of its {@link RedisCalls} and fails with a
 * {@link RedisUnavailableException} when Redis does not answer in time. A request that queued in
 * this process while a call found Redis unavailable (and none succeeded since) fails at once with
 * that failure, so the requests of a session waiting for each other do not pay a deadline each;
 * and a lock call that failed is followed by the release of the lock it may have taken, which a
 * frozen Redis runs once it goes on (else the lock would stay taken for its whole lease).
 */
public final class RedisSessionLockManager implements SessionLockManager, AutoCloseable {

	private static final long MAX_WAIT_NANOS = Long.MAX_VALUE / 4;

	private final RedisCalls calls;

	private final RedisHeldLocks heldLocks;

	private final MemorySessionLockManager local = new MemorySessionLockManager();

	private final AtomicInteger held = new AtomicInteger();

	private final LockCalls lockCalls;

	private final @Nullable Retentions retentions;

	private final @Nullable Disposable connectionEvents;

	private final ScheduledExecutorService renewal;

	private volatile boolean renewing = true;

	/**
	 * Create a lock manager that releases its locks at the end of each request.
	 * @param calls how Redis is called
	 * @param keys the keys of its namespace
	 * @param heldLocks where the locks it holds are kept for the store to see
	 * @param lease how long a lock stays held when its holder stops renewing it, greater than zero
	 */
	public RedisSessionLockManager(RedisCalls calls, RedisKeys keys, RedisHeldLocks heldLocks, Duration lease) {
		this(calls, keys, heldLocks, lease, Duration.ZERO);
	}

	/**
	 * Create a lock manager.
	 * @param calls how Redis is called
	 * @param keys the keys of its namespace
	 * @param heldLocks where the locks it holds are kept for the store to see
	 * @param lease how long a lock stays held when its holder stops renewing it, greater than zero
	 * @param retain how long a save keeps the lock in Redis for this process's next request of
	 * the session instead of releasing it, or zero to release it
	 */
	public RedisSessionLockManager(RedisCalls calls, RedisKeys keys, RedisHeldLocks heldLocks, Duration lease,
			Duration retain) {
		Assert.notNull(calls, "'calls' must not be null");
		Assert.notNull(keys, "'keys' must not be null");
		Assert.notNull(heldLocks, "'heldLocks' must not be null");
		Assert.isTrue(lease != null && lease.toMillis() > 0, "'lease' must be at least a millisecond");
		Assert.isTrue(retain != null && !retain.isNegative(), "'retain' must not be negative");
		this.calls = calls;
		this.heldLocks = heldLocks;
		boolean retaining = retain.toMillis() > 0;
		this.lockCalls = new LockCalls(calls, keys, heldLocks, lease.toMillis(), retaining);
		this.renewal = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "redis-session-lock-renewal");
			thread.setDaemon(true);
			return thread;
		});
		long period = Math.max(1, (retaining ? Math.min(lease.toMillis(), retain.toMillis()) : lease.toMillis()) / 3);
		this.renewal.scheduleWithFixedDelay(this::renewAll, period, period, TimeUnit.MILLISECONDS);
		if (retaining) {
			this.retentions = new Retentions(heldLocks, retain.toMillis(),
					(id, token) -> this.lockCalls.unlock(id, token, false));
			this.connectionEvents = calls.connectionFactory().getRequiredNativeClient().getResources().eventBus()
				.get()
				.filter((event) -> event instanceof ConnectionDeactivatedEvent || event instanceof DisconnectedEvent)
				.subscribe((event) -> heldLocks.connectionLost());
			this.lockCalls.releases().setRequests(keys.lockRequests(this.lockCalls.instance()),
					this.retentions::requested);
			subscribeForRetention();
		}
		else {
			this.retentions = null;
			this.connectionEvents = null;
		}
	}

	@Override
	public String type() {
		return "redis";
	}

	@Override
	public @Nullable SessionLock tryLock(String sessionId, Duration timeout) throws InterruptedException {
		Assert.notNull(sessionId, "'sessionId' must not be null");
		Assert.notNull(timeout, "'timeout' must not be null");
		long start = System.nanoTime();
		long waitNanos = Math.min(SessionLockManager.timeoutNanos(timeout), MAX_WAIT_NANOS);
		SessionLock local = this.local.tryLock(sessionId, Duration.ofNanos(waitNanos));
		if (local == null) {
			return null;
		}
		Held lock = null;
		try {
			lock = (this.retentions != null) ? this.retentions.take(sessionId) : null;
			if (lock == null) {
				lock = acquire(sessionId, start, start + waitNanos);
			}
		}
		finally {
			if (lock == null) {
				local.release();
			}
		}
		if (lock == null) {
			return null;
		}
		Held acquired = lock;
		this.held.incrementAndGet();
		return new ReleaseOnceLock(sessionId, () -> release(acquired, local));
	}

	@Override
	public int heldLocks() {
		return this.held.get();
	}

	/**
	 * Return how many session ids this process holds or waits for in Redis.
	 * @return the number
	 */
	int localEntries() {
		return this.local.heldLocks();
	}

	/**
	 * Return how many session ids this process retains the lock of, or was asked for.
	 * @return the number
	 */
	int retained() {
		return (this.retentions != null) ? this.retentions.size() : 0;
	}

	/**
	 * Stop renewing leases, as a paused instance would; for tests of lost leases.
	 */
	void stopRenewing() {
		this.renewing = false;
	}

	/**
	 * Stop renewing leases and end the subscription to released locks.
	 */
	@Override
	public void close() {
		this.renewal.shutdownNow();
		if (this.connectionEvents != null) {
			this.connectionEvents.dispose();
		}
		this.lockCalls.releases().close();
	}

	private @Nullable Held acquire(String sessionId, long start, long deadline) throws InterruptedException {
		RedisUnavailableException failed = this.calls.failedSince(start);
		if (failed != null) {
			// Redis failed a call while this request queued: fail it now, not after a deadline of its own
			throw new RedisUnavailableException(failed.getAddress(), failed.getMessage(), failed);
		}
		Retentions retentions = this.retentions;
		if (retentions == null) {
			Held lock = this.lockCalls.acquire(sessionId, deadline, null, 0);
			if (lock != null) {
				this.heldLocks.add(lock);
			}
			return lock;
		}
		long retainMillis = subscribeForRetention() ? retentions.retainMillis() : 0;
		Held lock = this.lockCalls.acquire(sessionId, deadline, retentions.staleToken(sessionId), retainMillis);
		if (lock != null) {
			retentions.held(lock);
		}
		return lock;
	}

	/**
	 * Subscribe to requests for retained locks unless subscribed: a lock is retained only while
	 * other instances can ask for it.
	 * @return whether subscribed
	 */
	private boolean subscribeForRetention() {
		LockReleases releases = this.lockCalls.releases();
		if (!releases.isSubscribed()) {
			try {
				releases.subscribe();
			}
			catch (RuntimeException | InterruptedException ex) {
				if (ex instanceof InterruptedException) {
					Thread.currentThread().interrupt();
				}
				return false;
			}
		}
		return releases.isSubscribed();
	}

	/**
	 * Release a lock: retain it if its request may ({@link Retentions#end}), else release it in
	 * Redis without waiting for the answer (unless a save released it already); then in this
	 * process, whose next waiter's lock call follows the release on the shared connection.
	 */
	private void release(Held lock, SessionLock local) {
		this.held.decrementAndGet();
		try {
			boolean retained;
			if (this.retentions != null) {
				retained = this.retentions.end(lock);
			}
			else {
				this.heldLocks.remove(lock);
				retained = false;
			}
			if (!retained && !lock.isReleasedBySave()) {
				this.lockCalls.unlock(lock.sessionId(), lock.token(), true);
			}
		}
		finally {
			local.release();
		}
	}

	private void renewAll() {
		if (!this.renewing) {
			return;
		}
		this.lockCalls.renewAll();
		if (this.retentions != null) {
			this.retentions.prune();
		}
	}

}
