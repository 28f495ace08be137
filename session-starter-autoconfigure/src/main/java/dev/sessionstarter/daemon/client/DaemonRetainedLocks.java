package dev.sessionstarter.daemon.client;

import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionRecord;

/**
 * The request locks this process retains in the daemon between requests (protocol version 6,
 * {@code sessions.daemon.lock-retain}): a save under a request lock keeps it ({@code SAVE_RETAIN},
 * owned in the daemon by this process's client id, with the retention as its lease), and the
 * session's next request here takes it, and the record the save answered, without a call.
 *
 * <p>A retained lock is trusted only while all of these hold: less than half the retention has
 * passed since its save was sent (monotonic clock); the notice connection
 * ({@link DaemonLockNotices}) has stayed up since (an epoch counts its failures, and overflows of
 * notices kept for saves in flight); the daemon has not said another wants it; this process has
 * not written its session otherwise. One that is not trusted is released
 * ({@code UNLOCK}) at once when idle, or at the end of the request that runs under it. A daemon
 * of protocol version 7 releases every lock this process retains when this process's side closes
 * the notice connection (this process died, or stopped trusting them), so this process stops
 * trusting them before it closes that connection ({@link #distrust}), and trusts none after the
 * deadline of the notice call under way, at which the connection is closed if no answer came.
 * A connection the daemon closes itself releases none. Thread-safe.
 */
final class DaemonRetainedLocks {

	private final ConcurrentHashMap<String, RetainedDaemonLock> retained = new ConcurrentHashMap<>();

	/**
	 * Tokens the daemon said are wanted before their save's answer was read here; guarded by
	 * this object's monitor.
	 */
	private final EarlyNotices wantedEarly;

	private final long clientId;

	private final long retainNanos;

	private final RetainedLockReleases releases = new RetainedLockReleases(this.retained);

	private volatile boolean up;

	/**
	 * The deadline of the notice call under way, a {@link System#nanoTime()} value: nothing is
	 * trusted from then on, when its connection may be closed.
	 */
	private volatile long upUntil;

	private volatile long epoch;

	DaemonRetainedLocks(long clientId, long retainNanos) {
		this.clientId = clientId;
		this.retainNanos = retainNanos;
		this.wantedEarly = new EarlyNotices(retainNanos / 2);
	}

	long clientId() {
		return this.clientId;
	}

	long retainMillis() {
		return this.retainNanos / 1_000_000;
	}

	/**
	 * Release locks through this client from now on.
	 */
	void releaseThrough(DaemonClient client) {
		this.releases.releaseThrough(client);
	}

	/**
	 * Return the epoch a save that may retain its lock starts in, or -1 if the notice connection
	 * is down (no lock is retained then).
	 */
	long epochIfUp() {
		return isUp(System.nanoTime()) ? this.epoch : -1;
	}

	private boolean isUp(long now) {
		return this.up && now - this.upUntil < 0;
	}

	/**
	 * The notice connection answered: retained locks may be trusted.
	 */
	void up() {
		this.up = true;
	}

	/**
	 * A notice call is sent: if no answer came by its deadline, its connection is closed then.
	 * @param deadline the deadline, a {@link System#nanoTime()} value
	 */
	void upUntil(long deadline) {
		this.upUntil = deadline;
	}

	/**
	 * The notice connection is about to close: trust none of the locks retained until now.
	 */
	void distrust() {
		this.up = false;
		synchronized (this) {
			this.epoch++;
		}
	}

	/**
	 * The notice connection failed: trust none of the locks retained until now, and release the
	 * idle ones.
	 */
	void down() {
		distrust();
		this.releases.releaseAll();
	}

	/**
	 * Keep a lock a save retained, or a lock call took retained; its request still runs.
	 * @param sessionId the session id
	 * @param token the lock's token
	 * @param record the record the call answered, {@code null} if no session is stored
	 * @param sentAt when the save was sent, a {@link System#nanoTime()} value
	 * @param epoch the epoch the save started in
	 * @return the retained lock
	 */
	RetainedDaemonLock retained(String sessionId, long token, @Nullable SessionRecord record, long sentAt,
			long epoch) {
		RetainedDaemonLock lock = new RetainedDaemonLock(sessionId, token, record, sentAt + this.retainNanos / 2,
				epoch);
		synchronized (this) {
			// a notice may have come for this token while the answer was on its way: it holds for the new lock
			RetainedDaemonLock previous = this.retained.get(sessionId);
			if (this.wantedEarly.remove(token)
					|| (previous != null && previous.token() == token && previous.isWanted())) {
				lock.want();
			}
			this.retained.put(sessionId, lock);
		}
		return lock;
	}

	/**
	 * Take the retained lock of a session for a request, if there is a trusted one; one that is
	 * not trusted is released.
	 * @param sessionId the session id, locked in this process
	 * @return the lock, or {@code null}
	 */
	@Nullable RetainedDaemonLock take(String sessionId) {
		RetainedDaemonLock lock = this.retained.get(sessionId);
		if (lock == null || !lock.begin()) {
			return null;
		}
		if (trusted(lock)) {
			return lock;
		}
		lock.end(false);
		if (this.up && lock.epoch() == this.epoch && !lock.isWanted()) {
			// only its time lapsed: the lock call that follows (LOCK_RETAIN) takes it again
			this.retained.remove(sessionId, lock);
		}
		else {
			release(lock);
		}
		return null;
	}

	/**
	 * Return how a request releases a lock held as a retained one: kept, if it still may be
	 * trusted, or released.
	 * @param heldLocks the held locks the lock was added to
	 * @param held the lock
	 * @return the release
	 */
	Runnable releaseOf(DaemonHeldLocks heldLocks, HeldDaemonLock held) {
		return () -> {
			heldLocks.remove(held);
			RetainedDaemonLock now = held.retention();
			if (now != null) {
				end(now);
			}
		};
	}

	private boolean trusted(RetainedDaemonLock lock) {
		long now = System.nanoTime();
		return isUp(now) && lock.epoch() == this.epoch && !lock.isWanted() && lock.inTime(now);
	}

	/**
	 * End the request that ran under a retained lock: keep it if it may still be trusted, else
	 * release it.
	 * @param lock the lock
	 */
	void end(RetainedDaemonLock lock) {
		if (this.retained.get(lock.sessionId()) != lock) {
			return;
		}
		if (!lock.end(trusted(lock))) {
			release(lock);
		}
	}

	/**
	 * Forget a retained lock the daemon released already (a save released it).
	 * @param lock the lock
	 */
	void forget(RetainedDaemonLock lock) {
		this.retained.remove(lock.sessionId(), lock);
	}

	/**
	 * The daemon said another wants a lock: release it now if idle, else at the end of its request.
	 * @param sessionId the session id
	 * @param token the token the daemon knows it by
	 */
	void wanted(String sessionId, long token) {
		RetainedDaemonLock lock;
		synchronized (this) {
			lock = this.retained.get(sessionId);
			if (lock == null || lock.token() != token) {
				if (!this.wantedEarly.add(token)) {
					// too many notices for saves in flight: none of those saves, nor any lock retained, is trusted
					this.epoch++;
				}
				return;
			}
			if (!lock.want()) {
				return;
			}
		}
		release(lock);
	}

	/**
	 * This process writes a session otherwise than by a save under its lock: stop trusting the
	 * copy of it (the lock is released now if idle, else at the end of its request).
	 * @param sessionId the session id
	 */
	void invalidate(String sessionId) {
		RetainedDaemonLock lock = this.retained.get(sessionId);
		if (lock != null && lock.want()) {
			release(lock);
		}
	}

	/**
	 * A renewal found that the daemon no longer holds a retained lock under its token: trust it no
	 * more (released at the end of its request, or now if idle).
	 * @param lock the lock
	 */
	void lost(RetainedDaemonLock lock) {
		if (lock.want() && this.retained.get(lock.sessionId()) == lock) {
			release(lock);
		}
	}

	/**
	 * Release the idle retained locks that are no longer trusted.
	 */
	void releaseUntrusted() {
		this.releases.releaseUntrusted(this::trusted);
	}

	private void release(RetainedDaemonLock lock) {
		this.releases.release(lock);
	}

}
