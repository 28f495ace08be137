package dev.sessionstarter.daemon.client;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionRecord;

/**
 * A request lock this process retains in the daemon, taken so ({@code LOCK_RETAIN}) or kept by a
 * save ({@code SAVE_RETAIN}), with the record that call answered ({@code null}: no session):
 * trusted, and taken by the session's next request here without a call, until half the retention
 * has passed since the save (or its latest renewal, {@link DaemonLockRenewals}) was sent, the
 * daemon says another wants it, this process writes the session otherwise, or the notice
 * connection fails ({@link DaemonRetainedLocks}). Its state is guarded by its own monitor.
 */
final class RetainedDaemonLock {

	private final String sessionId;

	private final long token;

	private final @Nullable SessionRecord record;

	private volatile long trustedUntil;

	private final long epoch;

	/**
	 * Whether a request runs under it now; otherwise it is idle, waiting for the next.
	 */
	private boolean inRequest = true;

	/**
	 * Whether it must be released at the end of its request, or at once when idle.
	 */
	private volatile boolean wanted;

	RetainedDaemonLock(String sessionId, long token, @Nullable SessionRecord record, long trustedUntil, long epoch) {
		this.sessionId = sessionId;
		this.token = token;
		this.record = record;
		this.trustedUntil = trustedUntil;
		this.epoch = epoch;
	}

	String sessionId() {
		return this.sessionId;
	}

	long token() {
		return this.token;
	}

	@Nullable SessionRecord record() {
		return this.record;
	}

	long epoch() {
		return this.epoch;
	}

	boolean isWanted() {
		return this.wanted;
	}

	/**
	 * Whether it may still be trusted by the clock: half the retention has not passed since its save.
	 * @param now a {@link System#nanoTime()} value
	 * @return whether it has not lapsed
	 */
	boolean inTime(long now) {
		return now - this.trustedUntil < 0;
	}

	/**
	 * Return until when it is trusted by the clock, a {@link System#nanoTime()} value.
	 */
	long trustedUntil() {
		return this.trustedUntil;
	}

	/**
	 * Trust it until a later time: a renewal ({@code RENEW}) found it held and extended its lease.
	 * @param until a {@link System#nanoTime()} value
	 */
	synchronized void trustUntil(long until) {
		if (until - this.trustedUntil > 0) {
			this.trustedUntil = until;
		}
	}

	/**
	 * Start a request under it, if it is idle.
	 * @return whether it was idle
	 */
	synchronized boolean begin() {
		if (this.inRequest) {
			return false;
		}
		this.inRequest = true;
		return true;
	}

	/**
	 * End the request under it: idle again if it may be kept.
	 * @param keep whether it may be kept
	 * @return whether it is kept; if not it must be released
	 */
	synchronized boolean end(boolean keep) {
		this.inRequest = false;
		return keep && !this.wanted;
	}

	/**
	 * Mark it wanted.
	 * @return whether it is idle (so it must be released now; otherwise its request releases it)
	 */
	synchronized boolean want() {
		this.wanted = true;
		return !this.inRequest;
	}

}
