package dev.sessionstarter.lock;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.function.BiFunction;

import org.jspecify.annotations.Nullable;

/**
 * Exclusive locks on ids within this JVM, the mechanism of the {@link MemorySessionLockManager}
 * and of the file store's in-JVM lock table: an id is held by one holder at a time, waiters are
 * served in arrival order. An id has an entry while it is held or waited for, counted by its
 * holder and waiters and removed with the last of them, so nothing is kept for ids no one uses
 * (no leak, however many distinct ids pass through). An id no one holds costs one map insertion,
 * taken already held, and one removal on release. Not tied to threads: an entry may be released
 * on any thread. Thread-safe.
 */
public final class IdLocks {

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

	/**
	 * Hold an id, waiting in line behind its holder and earlier waiters.
	 * @param id the id
	 * @param timeoutNanos the longest wait
	 * @return the held entry, to give to {@link #release}, or {@code null} if it could not be had
	 * in time
	 * @throws InterruptedException if the thread is interrupted while waiting
	 */
	public @Nullable Entry acquire(String id, long timeoutNanos) throws InterruptedException {
		Entry free = new Entry(true);
		Entry entry = this.entries.putIfAbsent(id, free);
		if (entry == null) {
			return free;
		}
		entry = this.entries.compute(id, JOIN);
		boolean acquired = false;
		try {
			acquired = entry.tryAcquireNanos(1, timeoutNanos);
		}
		finally {
			if (!acquired) {
				this.entries.computeIfPresent(id, LEAVE);
			}
		}
		return acquired ? entry : null;
	}

	/**
	 * Give up a held id: the first waiter, if any, holds it next.
	 * @param id the id
	 * @param entry what {@link #acquire} returned for it
	 */
	public void release(String id, Entry entry) {
		if (this.entries.computeIfPresent(id, LEAVE) != null) {
			entry.release(1);
		}
	}

	/**
	 * Return how many ids are held or waited for.
	 * @return the number of entries
	 */
	public int size() {
		return this.entries.size();
	}

	/**
	 * Return how many ids are held now, counted among the entries when asked (meters and
	 * endpoints ask now and then) rather than in a counter every lock and release would update.
	 * @return the number of ids held
	 */
	public int held() {
		int held = 0;
		for (Entry entry : this.entries.values()) {
			held += entry.isHeld() ? 1 : 0;
		}
		return held;
	}

	/**
	 * The lock of one id: a fair exclusive lock (state 1 while held), and the number of its
	 * holder and waiters, read and written only inside the map's {@code compute} calls for its
	 * key (or before the entry is published). Held by whoever {@link #acquire} returned it to, and
	 * given back only through {@link #release}.
	 */
	public static final class Entry extends AbstractQueuedSynchronizer {

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

}
