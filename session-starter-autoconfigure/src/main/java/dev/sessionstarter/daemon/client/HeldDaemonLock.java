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
	 * When it is renewed if its request still runs and it is not retained
	 * ({@link DaemonLockRenewals}), a {@link System#nanoTime()} value.
	 */
	private volatile long renewAt;

	private volatile boolean renewable;

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
		this.renewAt = DaemonLockRenewals.renewAt(sentAt, leaseMillis);
		this.renewable = true;
	}

	long leaseMillis() {
		return this.leaseMillis;
	}

	/**
	 * Return when it is renewed, if it is not retained; {@link Long#MAX_VALUE} from now if never.
	 */
	long renewAt() {
		return this.renewable ? this.renewAt : System.nanoTime() + Long.MAX_VALUE / 2;
	}

	void renewAt(long renewAt) {
		this.renewAt = renewAt;
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
