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
