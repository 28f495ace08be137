package dev.sessionstarter.store.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.lock.MemorySessionLockManager;
import dev.sessionstarter.lock.ReleaseOnceLock;
import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.lock.SessionLockManager;

/**
 * A {@link SessionLockManager} whose locks are Redis keys ({@link RedisKeys#lock}), so they
 * exclude the requests of every instance that shares the Redis and namespace: set only if absent,
 * holding an owner token, with a lease one scheduler thread renews while the lock is held (a
 * killed instance's locks free at its end); released by compare-and-delete, which publishes the
 * session id and wakes the waiters of every instance ({@link LockCalls}). Within this process the
 * requests of one id queue first come, first served, in a {@link MemorySessionLockManager}, and
 * only the first asks Redis. Taking a lock also answers the session, which
 * {@link RedisSessionStore} serves instead of loading it, and the token fences the store's saves
 * ({@link RedisHeldLocks}); a save releases the lock in its own script (unless
 * {@link RedisSessionStore#setSavesReleaseLocks} says otherwise).
 *
 * <p>With a retention ({@code sessions.redis.lock-retain}), a save keeps the lock in Redis for
 * that time instead, and the session's next request in this process takes it without a round trip
 * while this process may trust it; another instance that wants it asks for it
 * ({@link RetainedLocks}).
 *
 * <p>Every call has the deadline of its {@link RedisCalls}; a request that queued while a call
 * found Redis unavailable (and none succeeded since) fails at once with that failure.
 */
public final class RedisSessionLockManager implements SessionLockManager, AutoCloseable {

	private static final long MAX_WAIT_NANOS = Long.MAX_VALUE / 4;

	private final RedisCalls calls;

	private final RedisHeldLocks heldLocks;

	private final MemorySessionLockManager local = new MemorySessionLockManager();

	private final AtomicInteger held = new AtomicInteger();

	private final LockCalls lockCalls;

	private final @Nullable RetainedLocks retained;

	private final LockRenewal renewal;

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
		this.retained = retaining ? new RetainedLocks(calls, keys, heldLocks, this.lockCalls, retain.toMillis())
				: null;
		long shortest = retaining ? Math.min(lease.toMillis(), retain.toMillis()) : lease.toMillis();
		this.renewal = new LockRenewal(this.lockCalls, shortest / 3, () -> {
			if (this.retained != null) {
				this.retained.prune();
			}
		});
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
		Held lock = (this.retained != null) ? this.retained.take(sessionId) : null;
		try {
			lock = (lock != null) ? lock : acquire(sessionId, start, start + waitNanos);
		}
		finally {
			if (lock == null) {
				local.release();
			}
		}
		if (lock == null) {
			return null;
		}
		this.held.incrementAndGet();
		Held acquired = lock;
		return new ReleaseOnceLock(sessionId, () -> release(acquired, local));
	}

	@Override
	public int heldLocks() {
		return this.held.get();
	}

	/**
	 * Return how many session ids this process holds or waits for in Redis.
	 */
	int localEntries() {
		return this.local.heldLocks();
	}

	/**
	 * Return how many session ids this process retains the lock of, or was asked for.
	 */
	int retained() {
		return (this.retained != null) ? this.retained.size() : 0;
	}

	/** Stop renewing leases, as a paused instance would (tests of lost leases). */
	void stopRenewing() {
		this.renewal.stop();
	}

	/**
	 * Stop renewing leases and end the subscription to released locks.
	 */
	@Override
	public void close() {
		this.renewal.close();
		if (this.retained != null) {
			this.retained.close();
		}
		this.lockCalls.releases().close();
	}

	private @Nullable Held acquire(String sessionId, long start, long deadline) throws InterruptedException {
		RedisUnavailableException failed = this.calls.failedSince(start);
		if (failed != null) {
			// Redis failed a call while this request queued: fail it now, not after a deadline of its own
			throw new RedisUnavailableException(failed.getAddress(), failed.getMessage(), failed);
		}
		if (this.retained != null) {
			return this.retained.acquire(sessionId, deadline);
		}
		Held lock = this.lockCalls.acquire(sessionId, deadline, 0);
		if (lock != null) {
			this.heldLocks.add(lock);
		}
		return lock;
	}

	/**
	 * Release a lock: retain it if its request may, else in Redis without waiting for the answer
	 * (unless a save did), then in this process, whose next lock call follows it on the connection.
	 */
	private void release(Held lock, SessionLock local) {
		this.held.decrementAndGet();
		try {
			boolean kept = this.retained != null && this.retained.end(lock);
			if (this.retained == null) {
				this.heldLocks.remove(lock);
			}
			if (!kept && !lock.isReleasedBySave()) {
				this.lockCalls.unlock(lock.sessionId(), lock.token(), true);
			}
		}
		finally {
			local.release();
		}
	}

}
