package dev.sessionstarter.lock;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A {@link SessionLockManager} for one process: one fair single-permit semaphore per session id
 * that a request holds or waits for. An entry is counted by the requests holding or waiting for
 * it and removed when the last of them leaves, so the manager holds nothing for sessions no
 * request is using (no leak, however many distinct ids pass through).
 *
 * <p>Locks are not bound to threads: a lock taken by one thread may be released by another, as
 * an asynchronous request does when it completes on a container thread. Waiters are served
 * first come, first served.
 */
public final class MemorySessionLockManager implements SessionLockManager {

	private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

	private final AtomicInteger held = new AtomicInteger();

	@Override
	public String type() {
		return "memory";
	}

	@Override
	public @Nullable SessionLock tryLock(String sessionId, Duration timeout) throws InterruptedException {
		Assert.notNull(sessionId, "'sessionId' must not be null");
		Assert.notNull(timeout, "'timeout' must not be null");
		Entry entry = this.entries.compute(sessionId, (id, existing) -> {
			Entry joined = (existing != null) ? existing : new Entry();
			joined.users++;
			return joined;
		});
		boolean acquired = false;
		try {
			acquired = entry.permit.tryAcquire(SessionLockManager.timeoutNanos(timeout), TimeUnit.NANOSECONDS);
		}
		finally {
			if (!acquired) {
				leave(sessionId);
			}
		}
		if (!acquired) {
			return null;
		}
		this.held.incrementAndGet();
		return new ReleaseOnceLock(sessionId, () -> {
			this.held.decrementAndGet();
			entry.permit.release();
			leave(sessionId);
		});
	}

	@Override
	public int heldLocks() {
		return this.held.get();
	}

	@Override
	public boolean isNonBlocking() {
		return true;
	}

	/**
	 * Return how many session ids have an entry: held or waited for.
	 * @return the number of entries
	 */
	int entries() {
		return this.entries.size();
	}

	private void leave(String sessionId) {
		this.entries.computeIfPresent(sessionId, (id, entry) -> (--entry.users == 0) ? null : entry);
	}

	/**
	 * The lock state of one session id. {@code users} is only read and written inside the map's
	 * atomic {@code compute} calls for its key.
	 */
	private static final class Entry {

		private final Semaphore permit = new Semaphore(1, true);

		private int users;

	}

}
