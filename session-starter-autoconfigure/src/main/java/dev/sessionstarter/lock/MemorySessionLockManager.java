package dev.sessionstarter.lock;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.function.BiFunction;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A {@link SessionLockManager} for one process: one fair single-permit lock per session id that a
 * request holds or waits for. An entry is counted by the requests holding or waiting for it and
 * removed when the last of them leaves, so the manager holds nothing for sessions no request is
 * using (no leak, however many distinct ids pass through).
 *
 * <p>A lock nobody holds or waits for costs one map insertion, taken already held, and one
 * removal on release; only a request that finds the id held joins its entry and queues for it.
 *
 * <p>Locks are not bound to threads: a lock taken by one thread may be released by another, as
 * an asynchronous request does when it completes on a container thread. Waiters are served
 * first come, first served.
 */
public final class MemorySessionLockManager implements SessionLockManager {

	/** Joins the entry of an id, making a free one if there is none; runs inside the map's compute. */
	private static final BiFunction<String, @Nullable Entry, Entry> JOIN = (id, existing) -> {
		if (existing == null) {
			return new Entry(false);
		}
		existing.users++;
		return existing;
	};

	/** Leaves the entry of an id, removing it with its last user; runs inside the map's compute. */
	private static final BiFunction<String, Entry, @Nullable Entry> LEAVE = (id,
			entry) -> (--entry.users == 0) ? null : entry;

	private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

	@Override
	public String type() {
		return "memory";
	}

	@Override
	public @Nullable SessionLock tryLock(String sessionId, Duration timeout) throws InterruptedException {
		Assert.notNull(sessionId, "'sessionId' must not be null");
		Assert.notNull(timeout, "'timeout' must not be null");
		Entry free = new Entry(true);
		Entry entry = this.entries.putIfAbsent(sessionId, free);
		if (entry == null) {
			// nobody held or waited for it: taken with the insertion
			return new Held(sessionId, free);
		}
		entry = this.entries.compute(sessionId, JOIN);
		boolean acquired = false;
		try {
			acquired = entry.tryAcquireNanos(1, SessionLockManager.timeoutNanos(timeout));
		}
		finally {
			if (!acquired) {
				this.entries.computeIfPresent(sessionId, LEAVE);
			}
		}
		return acquired ? new Held(sessionId, entry) : null;
	}

	/**
	 * Return how many locks are held now, counted among the entries when asked (the meters and
	 * the endpoint ask now and then) rather than in a counter every lock and release of every
	 * request would update.
	 * @return the held locks
	 */
	@Override
	public int heldLocks() {
		int held = 0;
		for (Entry entry : this.entries.values()) {
			held += entry.isHeld() ? 1 : 0;
		}
		return held;
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

	/**
	 * The lock state of one session id: a fair exclusive lock (state 1 while held) and the
	 * number of requests holding or waiting for it, which is only read and written inside the
	 * map's atomic {@code compute} calls for its key (or before the entry is published).
	 */
	private static final class Entry extends AbstractQueuedSynchronizer {

		private int users = 1;

		Entry(boolean held) {
			setState(held ? 1 : 0);
		}

		@Override
		protected boolean tryAcquire(int permits) {
			return !hasQueuedPredecessors() && compareAndSetState(0, 1);
		}

		@Override
		protected boolean tryRelease(int permits) {
			setState(0);
			return true;
		}

		boolean isHeld() {
			return getState() != 0;
		}

	}

	/**
	 * One request's hold of an entry, released once.
	 */
	private final class Held implements SessionLock {

		private static final AtomicIntegerFieldUpdater<Held> RELEASED = AtomicIntegerFieldUpdater
			.newUpdater(Held.class, "released");

		private final String sessionId;

		private final Entry entry;

		private volatile int released;

		Held(String sessionId, Entry entry) {
			this.sessionId = sessionId;
			this.entry = entry;
		}

		@Override
		public String sessionId() {
			return this.sessionId;
		}

		@Override
		public void release() {
			if (!RELEASED.compareAndSet(this, 0, 1)) {
				return;
			}
			if (MemorySessionLockManager.this.entries.computeIfPresent(this.sessionId, LEAVE) != null) {
				// others wait for it: the first of them gets it
				this.entry.release(1);
			}
		}

	}

}
