package dev.sessionstarter.store.memoized;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.lock.SessionLockManager;

/**
 * A lock manager for tests that stands in for a delegate's cross-process locks: one
 * single-permit semaphore per id, shared by every store given this manager (each standing for a
 * process), and releasable from any thread.
 */
final class InProcessLockManager implements SessionLockManager {

	private final ConcurrentHashMap<String, Semaphore> permits = new ConcurrentHashMap<>();

	private final AtomicInteger held = new AtomicInteger();

	@Override
	public String type() {
		return "test";
	}

	@Override
	public @Nullable SessionLock tryLock(String sessionId, Duration timeout) throws InterruptedException {
		Semaphore permit = this.permits.computeIfAbsent(sessionId, (id) -> new Semaphore(1));
		if (!permit.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
			return null;
		}
		this.held.incrementAndGet();
		AtomicBoolean released = new AtomicBoolean();
		return new SessionLock() {

			@Override
			public String sessionId() {
				return sessionId;
			}

			@Override
			public void release() {
				if (released.compareAndSet(false, true)) {
					InProcessLockManager.this.held.decrementAndGet();
					permit.release();
				}
			}

		};
	}

	@Override
	public int heldLocks() {
		return this.held.get();
	}

	boolean isLocked(String sessionId) {
		Semaphore permit = this.permits.get(sessionId);
		return permit != null && permit.availablePermits() == 0;
	}

}
