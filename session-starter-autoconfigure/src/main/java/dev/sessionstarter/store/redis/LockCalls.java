package dev.sessionstarter.store.redis;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.redis.RedisHeldLocks.Prefetched;

/**
 * The calls a {@link RedisSessionLockManager} makes to Redis: the lock script, waiting for
 * released locks between its attempts, the renewal of held locks and the release. Owner tokens
 * are the manager's random instance id and a count; an instance that retains its locks
 * ({@link Retentions}) marks its tokens with a leading {@code r}, so that the scripts of other
 * instances ask it for the locks it holds.
 */
final class LockCalls {

	private static final Log logger = LogFactory.getLog(RedisSessionLockManager.class);

	private final RedisCalls calls;

	private final RedisKeys keys;

	private final RedisHeldLocks heldLocks;

	private final LockReleases releases;

	private final byte[] leaseMillis;

	private final long leaseNanos;

	private final String instance;

	private final String tokenPrefix;

	private final byte[] takeOver;

	private final AtomicLong tokens = new AtomicLong();

	LockCalls(RedisCalls calls, RedisKeys keys, RedisHeldLocks heldLocks, long leaseMillis, boolean retaining) {
		this.calls = calls;
		this.keys = keys;
		this.heldLocks = heldLocks;
		this.releases = heldLocks.releases(calls, keys);
		this.leaseMillis = SessionHash.number(leaseMillis);
		this.leaseNanos = TimeUnit.MILLISECONDS.toNanos(leaseMillis);
		byte[] random = new byte[16];
		new SecureRandom().nextBytes(random);
		this.instance = HexFormat.of().formatHex(random);
		this.tokenPrefix = (retaining ? "r" : "") + this.instance + ":";
		// a retaining instance takes over its own left-over retained locks (see lock.lua)
		this.takeOver = retaining ? SessionHash.bytes(this.tokenPrefix) : SessionHash.EMPTY;
	}

	long leaseMillis() {
		return TimeUnit.NANOSECONDS.toMillis(this.leaseNanos);
	}

	LockReleases releases() {
		return this.releases;
	}

	/** Return this instance's id (hexadecimal), the name of its channel of release requests. */
	String instance() {
		return this.instance;
	}

	/**
	 * Take a session's lock in Redis, waiting for its release until a deadline.
	 * @param sessionId the session id
	 * @param deadline the deadline, as {@link System#nanoTime()}
	 * @param retainMillis how long the saves of the lock retain it, or 0
	 * @return the lock, or {@code null} if the deadline passed
	 */
	@Nullable Held acquire(String sessionId, long deadline, long retainMillis) throws InterruptedException {
		byte[] token = token();
		byte[][] keys = { this.keys.lock(sessionId), this.keys.session(sessionId), this.keys.lockWaiters(sessionId) };
		byte[] prefix = this.keys.lockRequestsPrefix();
		byte[] id = SessionHash.bytes(sessionId);
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
					answer = this.calls.scripts().script(SessionScripts.LOCK, "lock", keys, token, this.leaseMillis,
							(cached != null) ? SessionHash.number(cached.longValue()) : SessionHash.EMPTY,
							this.takeOver, prefix, id);
				}
				catch (RedisUnavailableException ex) {
					// a frozen Redis runs the script when it goes on: release what it may take then
					unlock(sessionId, token, false);
					throw ex;
				}
				long taken = SessionHash.number(answer.get(0));
				if (taken == 2) {
					return new Held(sessionId, token, new Prefetched(null, cached), retainMillis, null);
				}
				if (taken == 1) {
					SessionRecord found = (answer.size() > 1) ? SessionHash.read(sessionId, answer, 1) : null;
					return new Held(sessionId, token, Prefetched.of(found), retainMillis, null);
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
	 * Send the compare-and-delete of a lock, publishing its release, and log its outcome when it
	 * comes.
	 * @param held whether the lock was held (so that not finding it means its lease ran out)
	 */
	void unlock(String sessionId, byte[] token, boolean held) {
		unlock(sessionId, token, held, () -> {
		});
	}

	/** {@link #unlock(String, byte[], boolean)}, running {@code done} when the answer comes. */
	void unlock(String sessionId, byte[] token, boolean held, Runnable done) {
		byte[][] keys = { this.keys.lock(sessionId), this.keys.lockWaiters(sessionId) };
		this.calls.scripts().send(SessionScripts.UNLOCK, "unlock", keys,
				new byte[][] { token, this.keys.lockReleases(), SessionHash.bytes(sessionId) }, (answer, ex) -> {
					done.run();
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

	/**
	 * Renew the lease of every lock held by a request (those a save released have none).
	 */
	void renewAll() {
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

	/** Whether a lock whose renewal found it gone is still held by its request. */
	private boolean stillHeld(Held lock) {
		return !lock.isReleasedBySave() && this.heldLocks.get(lock.sessionId()) == lock;
	}

	/** Return a new owner token: this instance's id and a count (no randomness on every lock). */
	private byte[] token() {
		return SessionHash.bytes(this.tokenPrefix + Long.toHexString(this.tokens.incrementAndGet()));
	}

}
