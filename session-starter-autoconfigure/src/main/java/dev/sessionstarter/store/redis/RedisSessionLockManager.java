package dev.sessionstarter.store.redis;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.lock.MemorySessionLockManager;
import dev.sessionstarter.lock.ReleaseOnceLock;
import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.redis.RedisHeldLocks.Held;
import dev.sessionstarter.store.redis.RedisHeldLocks.Prefetched;

/**
 * A {@link SessionLockManager} whose locks are Redis keys ({@link RedisKeys#lock}), so they
 * exclude the requests of every instance that shares the Redis and namespace. A lock is set only
 * if absent ({@code SET NX PX}), holding an owner token (the manager's random prefix and a
 * count), with a lease that one scheduler thread renews while the lock is held (every third of
 * the lease); a killed instance's locks
 * free at the end of their lease. Release is compare-and-delete, and publishes the session id,
 * which wakes the waiters of every instance (one subscription per manager); a waiter also tries
 * again when the holder's lease ends, in case the holder died. The request does not wait for the
 * release's answer: this process's next lock call of the session follows it on the connection.
 *
 * <p>Within this process the requests of one id queue for it first come, first served, in a
 * {@link MemorySessionLockManager}, and only the first of them asks Redis. Taking a lock also
 * answers the session's hash, which {@link RedisSessionStore} serves instead of loading it
 * again, and the owner token fences the store's saves ({@link RedisHeldLocks}); a save releases
 * the lock in Redis in its own script, and the release of the lock then only lets this process's
 * next waiter in (unless the store's saves keep the lock:
 * {@link RedisSessionStore#setSavesReleaseLocks}).
 *
 * <p>Every call has the deadline of its {@link RedisCalls} and fails with a
 * {@link RedisUnavailableException} when Redis does not answer in time. A request that queued in
 * this process while a call found Redis unavailable (and none succeeded since) fails at once with
 * that failure, so the requests of a session waiting for each other do not pay a deadline each;
 * and a lock call that failed is followed by the release of the lock it may have taken, which a
 * frozen Redis runs once it goes on (else the lock would stay taken for its whole lease).
 */
public final class RedisSessionLockManager implements SessionLockManager, AutoCloseable {

	private static final Log logger = LogFactory.getLog(RedisSessionLockManager.class);

	private static final long MAX_WAIT_NANOS = Long.MAX_VALUE / 4;

	private static final byte[] NO_VERSION = {};

	private final RedisCalls calls;

	private final RedisKeys keys;

	private final RedisHeldLocks heldLocks;

	private final byte[] leaseMillis;

	private final long leaseNanos;

	private final MemorySessionLockManager local = new MemorySessionLockManager();

	private final AtomicInteger held = new AtomicInteger();

	private final String tokenPrefix;

	private final AtomicLong tokens = new AtomicLong();

	private final ScheduledExecutorService renewal;

	private final LockReleases releases;

	private volatile boolean renewing = true;

	/**
	 * Create a lock manager.
	 * @param calls how Redis is called
	 * @param keys the keys of its namespace
	 * @param heldLocks where the locks it holds are kept for the store to see
	 * @param lease how long a lock stays held when its holder stops renewing it, greater than zero
	 */
	public RedisSessionLockManager(RedisCalls calls, RedisKeys keys, RedisHeldLocks heldLocks, Duration lease) {
		Assert.notNull(calls, "'calls' must not be null");
		Assert.notNull(keys, "'keys' must not be null");
		Assert.notNull(heldLocks, "'heldLocks' must not be null");
		Assert.isTrue(lease != null && lease.toMillis() > 0, "'lease' must be at least a millisecond");
		this.calls = calls;
		this.keys = keys;
		this.heldLocks = heldLocks;
		this.leaseMillis = SessionHash.number(lease.toMillis());
		this.leaseNanos = lease.toNanos();
		this.releases = new LockReleases(calls, keys);
		byte[] prefix = new byte[16];
		new SecureRandom().nextBytes(prefix);
		this.tokenPrefix = HexFormat.of().formatHex(prefix) + ":";
		this.renewal = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "redis-session-lock-renewal");
			thread.setDaemon(true);
			return thread;
		});
		long period = Math.max(1, lease.toMillis() / 3);
		this.renewal.scheduleWithFixedDelay(this::renewAll, period, period, TimeUnit.MILLISECONDS);
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
		long deadline = start + waitNanos;
		SessionLock local = this.local.tryLock(sessionId, Duration.ofNanos(waitNanos));
		if (local == null) {
			return null;
		}
		Held lock = null;
		try {
			RedisUnavailableException failed = this.calls.failedSince(start);
			if (failed != null) {
				// Redis failed a call while this request queued: fail it now, not after a deadline of its own
				throw new RedisUnavailableException(failed.getAddress(), failed.getMessage(), failed);
			}
			lock = acquire(sessionId, deadline);
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
		this.heldLocks.add(acquired);
		this.held.incrementAndGet();
		return new ReleaseOnceLock(sessionId, () -> release(acquired, local));
	}

	@Override
	public int heldLocks() {
		return this.held.get();
	}

	/**
	 * Return how many session ids this process holds or waits for in Redis.
	 * @return the number of ids
	 */
	int localEntries() {
		return this.local.heldLocks();
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
		this.releases.close();
	}

	private @Nullable Held acquire(String sessionId, long deadline) throws InterruptedException {
		byte[] token = token();
		byte[][] lockKeys = { this.keys.lock(sessionId), this.keys.session(sessionId) };
		// a waiter is made after the first attempt failed, then the lock tried again before a wait
		LockWaiter waiter = null;
		try {
			while (true) {
				if (waiter != null) {
					waiter.reset();
				}
				Long cached = this.heldLocks.cachedVersion(sessionId);
				List<Object> answer;
				try {
					answer = this.calls.scripts().script(SessionScripts.LOCK, "lock", lockKeys, token, this.leaseMillis,
							(cached != null) ? SessionHash.number(cached.longValue()) : NO_VERSION);
				}
				catch (RedisUnavailableException ex) {
					// a frozen Redis runs the script when it goes on: release what it may take then
					unlock(sessionId, token, false);
					throw ex;
				}
				long taken = SessionHash.number(answer.get(0));
				if (taken == 2) {
					return new Held(sessionId, token, new Prefetched(null, cached));
				}
				if (taken == 1) {
					SessionRecord found = (answer.size() > 1) ? SessionHash.read(sessionId, answer, 1) : null;
					return new Held(sessionId, token, Prefetched.of(found));
				}
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return null;
				}
				if (waiter == null) {
					waiter = this.releases.waiter(sessionId);
					continue;
				}
				if (this.releases.subscribe()) {
					continue;
				}
				long leaseLeft = TimeUnit.MILLISECONDS.toNanos(SessionHash.number(answer.get(1)));
				waiter.await(Math.min(remaining, (leaseLeft >= 0) ? leaseLeft : this.leaseNanos));
			}
		}
		finally {
			if (waiter != null) {
				this.releases.remove(sessionId, waiter);
			}
		}
	}

	/**
	 * Release a lock: in Redis without waiting for the answer (unless a save released it
	 * already), then in this process, whose next waiter's lock call follows the release on the
	 * shared connection.
	 */
	private void release(Held lock, SessionLock local) {
		this.heldLocks.remove(lock);
		this.held.decrementAndGet();
		try {
			if (!lock.isReleasedBySave()) {
				unlock(lock.sessionId(), lock.token(), true);
			}
		}
		finally {
			local.release();
		}
	}

	/**
	 * Send the compare-and-delete of a lock, publishing its release, and log its outcome when it
	 * comes.
	 * @param held whether the lock was held (so that not finding it means its lease ran out)
	 */
	private void unlock(String sessionId, byte[] token, boolean held) {
		this.calls.scripts().send(SessionScripts.UNLOCK, "unlock", new byte[][] { this.keys.lock(sessionId) },
				new byte[][] { token, this.keys.lockReleases(), SessionHash.bytes(sessionId) }, (answer, ex) -> {
					if (ex != null && held) {
						logger.warn("Could not release the request lock on session " + sessionId
								+ " in Redis; it frees at the end of its lease: " + ex.getMessage());
					}
					else if (ex != null) {
						logger.debug("Could not release a request lock on session " + sessionId
								+ " that a failed lock call may have taken: " + ex.getMessage());
					}
					else if (held && answer != null && SessionHash.number(answer.get(0)) != 1) {
						logger.warn("The request lock on session " + sessionId
								+ " had been lost before its release: its lease (sessions.redis.lock-lease) ran out");
					}
				});
	}

	private void renewAll() {
		if (!this.renewing) {
			return;
		}
		for (Held lock : this.heldLocks.all()) {
			if (lock.isReleasedBySave()) {
				continue;
			}
			try {
				List<Object> answer = this.calls.scripts().script(SessionScripts.RENEW, "renew",
						new byte[][] { this.keys.lock(lock.sessionId()) }, lock.token(), this.leaseMillis);
				if (SessionHash.number(answer.get(0)) != 1 && stillHeld(lock) && !lock.isLost()) {
					lock.lose();
					logger.warn("Lost the request lock on session " + lock.sessionId()
							+ ": its lease (sessions.redis.lock-lease) ran out before it was renewed");
				}
			}
			catch (RuntimeException ex) {
				logger.debug("Could not renew the request lock on session " + lock.sessionId(), ex);
			}
		}
	}

	/**
	 * Whether a lock whose renewal found it gone is still held by its request, not released
	 * meanwhile by a save or by the request.
	 */
	private boolean stillHeld(Held lock) {
		return !lock.isReleasedBySave() && this.heldLocks.get(lock.sessionId()) == lock;
	}

	/**
	 * Return a new owner token: this manager's random prefix and a count, unique across
	 * processes without asking the operating system for randomness on every lock.
	 */
	private byte[] token() {
		return SessionHash.bytes(this.tokenPrefix + Long.toHexString(this.tokens.incrementAndGet()));
	}

}
