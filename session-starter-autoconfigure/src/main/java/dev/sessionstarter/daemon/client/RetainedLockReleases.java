package dev.sessionstarter.daemon.client;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * Gives back to the daemon the locks a {@link DaemonRetainedLocks} stops retaining: each once,
 * by whoever removes it from the map of retained locks, with an {@code UNLOCK} of its token;
 * when the notice connection fails, every idle one, stopping at the first call that fails (the
 * daemon does not answer: their leases end the others, and no call waits for each).
 * Thread-safe.
 */
final class RetainedLockReleases {

	private final ConcurrentHashMap<String, RetainedDaemonLock> retained;

	private volatile @Nullable DaemonClient client;

	RetainedLockReleases(ConcurrentHashMap<String, RetainedDaemonLock> retained) {
		this.retained = retained;
	}

	/**
	 * Release locks through this client from now on.
	 * @param client the client
	 */
	void releaseThrough(DaemonClient client) {
		this.client = client;
	}

	/**
	 * Release a lock in the daemon, once: whoever removes it from the map.
	 * @param lock the lock
	 */
	void release(RetainedDaemonLock lock) {
		if (this.retained.remove(lock.sessionId(), lock)) {
			unlock(lock);
		}
	}

	/**
	 * Release every idle retained lock, and mark the others to be released at the end of their
	 * requests; once a call fails, the rest are forgotten without a call.
	 */
	void releaseAll() {
		for (RetainedDaemonLock lock : this.retained.values()) {
			if (lock.want() && this.retained.remove(lock.sessionId(), lock) && !unlock(lock)) {
				this.retained.values().removeIf(RetainedDaemonLock::want);
				return;
			}
		}
	}

	/**
	 * Release the idle retained locks that are no longer trusted.
	 * @param trusted whether a lock may still be trusted
	 */
	void releaseUntrusted(Predicate<RetainedDaemonLock> trusted) {
		for (RetainedDaemonLock lock : this.retained.values()) {
			if (!trusted.test(lock) && lock.want()) {
				release(lock);
			}
		}
	}

	private boolean unlock(RetainedDaemonLock lock) {
		return DaemonLockCalls.unlockByToken(this.client, lock.sessionId(), lock.token());
	}

}
