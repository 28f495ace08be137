package dev.sessionstarter.store.redis;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The callers of this process that wait for the release of a session's lock, by session id: the
 * first request of the session in this process's queue, and store writes refused because another
 * instance retains the lock.
 */
final class LockWaiters {

	private final ConcurrentHashMap<String, CopyOnWriteArrayList<LockWaiter>> waiters = new ConcurrentHashMap<>();

	LockWaiter add(String sessionId) {
		LockWaiter waiter = new LockWaiter();
		this.waiters.compute(sessionId, (id, list) -> {
			CopyOnWriteArrayList<LockWaiter> waiting = (list != null) ? list : new CopyOnWriteArrayList<>();
			waiting.add(waiter);
			return waiting;
		});
		return waiter;
	}

	void remove(String sessionId, LockWaiter waiter) {
		this.waiters.computeIfPresent(sessionId, (id, list) -> {
			list.remove(waiter);
			return list.isEmpty() ? null : list;
		});
	}

	/**
	 * Wake every waiter, as if each lock was released (a release may have been missed).
	 */
	void wakeAll() {
		this.waiters.values().forEach((waiting) -> waiting.forEach(LockWaiter::wake));
	}

	void wake(String sessionId) {
		CopyOnWriteArrayList<LockWaiter> waiting = this.waiters.get(sessionId);
		if (waiting != null) {
			waiting.forEach(LockWaiter::wake);
		}
	}

}
