package dev.sessionstarter.store.file;

import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The OS-level locks of one lock file of a session directory, shared by every
 * {@link FileSessionStore} and {@link FileSessionLockManager} of this JVM on that file.
 *
 * <p>The request and record locks live in one file, {@code <dir>/.lock}, that is never deleted
 * (a memoized cache's locks have files of their own, see
 * {@link FileSessionLockManager#forCache(Path)}): each session id
 * hashes to one of {@link #SLOTS} slots, and each slot owns two bytes of the file, one for the
 * request lock and one for the record lock (held by the store while it reads, merges and
 * writes a session file). The OS grants a byte range to one process at a time and releases it
 * when the process dies, so no stale lock outlives a killed JVM, and no lock file is ever
 * created or deleted per session. Two ids that share a slot merely wait for each other.
 *
 * <p>Within the JVM, a fair semaphore per byte lets one thread at a time ask the OS for it (the
 * OS lock is per process) and serves waiters in arrival order; between JVMs the OS decides. The
 * whole JVM uses one channel for the file (its {@link LockFile}), because closing any channel on
 * a file releases every lock the process holds on it. A lock is not tied to the thread that
 * acquired it.
 */
final class LockTable {

	/**
	 * The number of lock slots; ids are spread over them by their hash.
	 */
	static final int SLOTS = 1 << 14;

	/**
	 * The name of the lock file in the session directory.
	 */
	static final String FILE_NAME = ".lock";

	/**
	 * The directory, in the session directory, of the files that hold the locks a memoized cache
	 * keeps on the sessions it caches (see {@link FileSessionLockManager#forCache(Path)}); each
	 * file is named by its shard number.
	 */
	static final String CACHE_DIR = ".cache-locks";

	/**
	 * The number of cache lock files: the JDK checks every lock a JVM holds on a file each time
	 * it takes or releases another one there, so a cache's many long-held locks are spread
	 * over several files.
	 */
	static final int CACHE_SHARDS = 64;

	/**
	 * The number of slots of each cache lock file: a cache holds one lock per cached session for
	 * a long time, so ids of different processes should rarely share a slot.
	 */
	static final int CACHE_SLOTS_PER_SHARD = 1 << 14;

	private static final Log logger = LogFactory.getLog(LockTable.class);

	private static final ConcurrentHashMap<Path, LockTable> open = new ConcurrentHashMap<>();

	private final Path file;

	private final int slots;

	/**
	 * The semaphores of {@link #acquire}, one per byte, made when first needed: the tables of a
	 * memoized cache's locks are used only by {@link #acquireForJvm} and never need them.
	 */
	private volatile @Nullable AtomicReferenceArray<Semaphore> local;

	private final LockFile lockFile;

	private int references;

	/**
	 * The slots whose OS lock this JVM holds for {@link #acquireForJvm}, and the ids it holds
	 * them for; guarded by itself.
	 */
	private final Map<Integer, JvmOwned> ownedByJvm = new HashMap<>();

	private LockTable(Path file, int slots) {
		this.file = file;
		this.slots = slots;
		this.lockFile = new LockFile(file, this::forgetLocksHeldForJvm);
	}

	/**
	 * Return the table of a directory, opening its lock file if this JVM has not yet; every
	 * call must be paired with a {@link #close()}.
	 * @param dir an existing directory, as a real path
	 * @return the table
	 */
	static LockTable open(Path dir) {
		return open(dir, FILE_NAME, SLOTS);
	}

	/**
	 * Return the table of one lock file of a directory, opening it if this JVM has not yet;
	 * every call must be paired with a {@link #close()}.
	 * @param dir an existing directory, as a real path
	 * @param fileName the lock file's name
	 * @param slots the number of slots, a power of two
	 * @return the table
	 */
	static LockTable open(Path dir, String fileName, int slots) {
		return open.compute(dir.resolve(fileName), (file, table) -> {
			LockTable result = (table != null) ? table : new LockTable(file, slots);
			result.references++;
			return result;
		});
	}

	/**
	 * Give up one reference; the last one closes the lock file.
	 */
	void close() {
		open.computeIfPresent(this.file, (file, table) -> {
			if (--table.references > 0) {
				return table;
			}
			table.lockFile.close();
			return null;
		});
	}

	/**
	 * Acquire one of an id's locks.
	 * @param id the session id
	 * @param kind which lock
	 * @param timeoutNanos the longest wait
	 * @return the held lock, or {@code null} if it could not be had in time
	 * @throws InterruptedException if the thread is interrupted while waiting
	 */
	@Nullable Held acquire(String id, Kind kind, long timeoutNanos) throws InterruptedException {
		long deadline = System.nanoTime() + timeoutNanos;
		int position = position(id, kind);
		Semaphore semaphore = semaphore(position);
		if (!semaphore.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS)) {
			return null;
		}
		boolean acquired = false;
		try {
			FileLock lock = this.lockFile.lock(position, deadline);
			if (lock == null) {
				return null;
			}
			acquired = true;
			return new Held(() -> {
				try {
					LockFile.release(lock);
				}
				finally {
					semaphore.release();
				}
			});
		}
		finally {
			if (!acquired) {
				semaphore.release();
			}
		}
	}

	/**
	 * Acquire an id's request lock for this JVM as a whole rather than for one holder: ids of
	 * one slot share its OS lock within the JVM (so they never keep each other out), but an id
	 * is held once at a time, and other processes are kept out of every id of a held slot. For
	 * locks held long, like a memoized cache's.
	 * @param id the session id
	 * @param timeoutNanos the longest wait
	 * @return the held lock, or {@code null} if it could not be had in time
	 * @throws InterruptedException if the thread is interrupted while waiting
	 */
	@Nullable Held acquireForJvm(String id, long timeoutNanos) throws InterruptedException {
		long deadline = System.nanoTime() + timeoutNanos;
		int position = position(id, Kind.REQUEST);
		long backoff = LockFile.FIRST_PAUSE_NANOS;
		while (true) {
			synchronized (this.ownedByJvm) {
				JvmOwned owned = this.ownedByJvm.get(position);
				if (owned == null) {
					FileLock lock = this.lockFile.tryLock(position);
					if (lock != null) {
						owned = new JvmOwned(lock);
						this.ownedByJvm.put(position, owned);
					}
				}
				if (owned != null && owned.ids.add(id)) {
					return new Held(() -> releaseForJvm(position, id));
				}
			}
			backoff = LockFile.pause(deadline, backoff);
			if (backoff < 0) {
				return null;
			}
		}
	}

	/**
	 * Forget the slots held for this JVM after the lock file's channel was found closed: the OS
	 * released their locks with it.
	 */
	private void forgetLocksHeldForJvm() {
		synchronized (this.ownedByJvm) {
			if (!this.ownedByJvm.isEmpty()) {
				logger.warn("The OS released " + this.ownedByJvm.size() + " locks of " + this.file
						+ " held for this JVM with the closed channel; they are no longer held");
				this.ownedByJvm.clear();
			}
		}
	}

	private void releaseForJvm(int position, String id) {
		synchronized (this.ownedByJvm) {
			JvmOwned owned = this.ownedByJvm.get(position);
			if (owned != null && owned.ids.remove(id) && owned.ids.isEmpty()) {
				this.ownedByJvm.remove(position);
				LockFile.release(owned.lock);
			}
		}
	}

	/**
	 * Return the slot an id hashes to.
	 * @param id the id
	 * @return the slot, from 0 to {@link #SLOTS} - 1
	 */
	static int slot(String id) {
		return slot(id, SLOTS);
	}

	/**
	 * Return the slot an id hashes to among a number of them.
	 * @param id the id
	 * @param slots the number of slots, a power of two
	 * @return the slot, from 0 to {@code slots} - 1
	 */
	static int slot(String id, int slots) {
		return mix(id) & (slots - 1);
	}

	/**
	 * Return which of several tables an id's lock is in, by other bits of its hash than
	 * {@link #slot(String, int)} uses (for up to 2^16 slots and 2^8 tables).
	 * @param id the id
	 * @param tables the number of tables, a power of two
	 * @return the table, from 0 to {@code tables} - 1
	 */
	static int shard(String id, int tables) {
		return (mix(id) >>> 24) & (tables - 1);
	}

	private static int mix(String id) {
		int hash = id.hashCode();
		hash ^= (hash >>> 16);
		hash *= 0x45d9f3b;
		hash ^= (hash >>> 16);
		return hash;
	}

	private int position(String id, Kind kind) {
		return (slot(id, this.slots) << 1) | kind.ordinal();
	}

	private Semaphore semaphore(int position) {
		AtomicReferenceArray<Semaphore> local = local();
		Semaphore semaphore = local.get(position);
		if (semaphore == null) {
			local.compareAndSet(position, null, new Semaphore(1, true));
			semaphore = local.get(position);
		}
		return semaphore;
	}

	private AtomicReferenceArray<Semaphore> local() {
		AtomicReferenceArray<Semaphore> local = this.local;
		if (local == null) {
			synchronized (this) {
				local = this.local;
				if (local == null) {
					local = new AtomicReferenceArray<>(this.slots * 2);
					this.local = local;
				}
			}
		}
		return local;
	}

	/**
	 * The two locks of a slot.
	 */
	enum Kind {

		/**
		 * Held by a request for its whole duration ({@link FileSessionLockManager}).
		 */
		REQUEST,

		/**
		 * Held by the store while it reads, merges and writes one session file.
		 */
		RECORD

	}

	/**
	 * A slot's OS lock held for the whole JVM, and the ids it is held for.
	 */
	private static final class JvmOwned {

		final FileLock lock;

		final Set<String> ids = new HashSet<>(2);

		JvmOwned(FileLock lock) {
			this.lock = lock;
		}

	}

	/**
	 * A held lock; released once, on any thread.
	 */
	static final class Held implements AutoCloseable {

		private final Runnable release;

		private final AtomicBoolean released = new AtomicBoolean();

		Held(Runnable release) {
			this.release = release;
		}

		@Override
		public void close() {
			if (this.released.compareAndSet(false, true)) {
				this.release.run();
			}
		}

	}

}
