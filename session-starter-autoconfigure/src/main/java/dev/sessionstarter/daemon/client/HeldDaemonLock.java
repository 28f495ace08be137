package dev.sessionstarter.daemon.client;

import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

/**
 * One request lock held by this process ({@link DaemonHeldLocks}): its token, the session as the
 * lock call found it until the store uses or outdates it, whether a save of the request released
 * it already, and the retained lock it is, if a save retained it or it was taken from one.
 */
final class HeldDaemonLock {

	private final String sessionId;

	private final long token;

	private final AtomicReference<DaemonHeldLocks.@Nullable Prefetched> prefetched;

	private volatile boolean releasedBySave;

	private volatile @Nullable RetainedDaemonLock retention;

	/**
	 * The lease its lock call asked for, {@code 0} for the daemon's default.
	 */
	private volatile long leaseMillis;

	/**
	 * When its lock call, or its latest renewal, was sent, a {@link System#nanoTime()} value: it is
	 * renewed from half its lease after, if its request still runs and it is not retained
	 * ({@link DaemonLockRenewals}).
	 */
	private volatile long renewedFrom;

	private volatile boolean renewable;

	/**
	 * Whether the daemon answered its renewal as an unknown operation (older than version 7).
	 */
	private volatile boolean renewRefused;

	private volatile boolean lost;

	HeldDaemonLock(String sessionId, long token, DaemonHeldLocks.@Nullable Prefetched prefetched) {
		this(sessionId, token, prefetched, null);
	}

	HeldDaemonLock(String sessionId, long token, DaemonHeldLocks.@Nullable Prefetched prefetched,
			@Nullable RetainedDaemonLock retention) {
		this.sessionId = sessionId;
		this.token = token;
		this.prefetched = new AtomicReference<>(prefetched);
		this.retention = retention;
	}

	/**
	 * Return the retained lock this lock is now, or {@code null} if it is not retained.
	 */
	@Nullable RetainedDaemonLock retention() {
		return this.retention;
	}

	void retention(@Nullable RetainedDaemonLock retention) {
		this.retention = retention;
	}

	/**
	 * Renew it with its lease while its request runs, from when its lock call was sent.
	 * @param sentAt when the lock call was sent, a {@link System#nanoTime()} value
	 * @param leaseMillis the lease it asked for, {@code 0} for the daemon's default
	 */
	void renewWith(long sentAt, long leaseMillis) {
		this.leaseMillis = leaseMillis;
		this.renewedFrom = sentAt;
		this.renewable = true;
	}

	long leaseMillis() {
		return this.leaseMillis;
	}

	/**
	 * Return when it is renewed, if it is not retained; {@link Long#MAX_VALUE} from now if never.
	 * @param daemonLeaseMillis the daemon's default lease, for a lock taken with it; 0 if unknown
	 */
	long renewAt(long daemonLeaseMillis) {
		return this.renewable ? DaemonLockRenewals.renewAt(this.renewedFrom, this.leaseMillis, daemonLeaseMillis)
				: System.nanoTime() + Long.MAX_VALUE / 2;
	}

	/**
	 * A renewal sent then found it held: renew it again from half its lease after.
	 * @param sentAt when the renewal was sent, a {@link System#nanoTime()} value
	 */
	void renewedFrom(long sentAt) {
		this.renewedFrom = sentAt;
	}

	boolean isRenewRefused() {
		return this.renewRefused;
	}

	/**
	 * The daemon does not know {@code RENEW}: this lock is not renewed again (the next one is tried).
	 */
	void renewRefused() {
		this.renewRefused = true;
	}

	boolean isLost() {
		return this.lost;
	}

	/**
	 * A renewal found that its token no longer holds the lock: it is renewed no more.
	 */
	void lost() {
		this.lost = true;
	}

	String sessionId() {
		return this.sessionId;
	}

	long token() {
		return this.token;
	}

	DaemonHeldLocks.@Nullable Prefetched prefetched() {
		return this.prefetched.get();
	}

	void outdate() {
		this.prefetched.set(null);
	}

	boolean isReleasedBySave() {
		return this.releasedBySave;
	}

	void releasedBySave() {
		this.releasedBySave = true;
	}

}
