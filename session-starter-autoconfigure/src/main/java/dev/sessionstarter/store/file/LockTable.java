package dev.sessionstarter.store.file;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

/**
 * The OS-level locks of one lock file of a session directory, shared by every
 * {@link FileSessionStore} and {@link FileSessionLockManager} of this JVM on that file.
 *
 * <p>The request and record locks live in one file, {@code <dir>/.lock}, that is never deleted
 * (a memoized cache's locks have files of their own, see
 * {@link FileSessionLockManager#forCache(Path)}): each session id hashes to one of
 * {@link #SLOTS} slots by a {@linkplain SlotHash keyed hash} whose random key the file holds, and
 * each slot owns two bytes of the file, one for the request lock and one for the record lock
 * (held by the store while it reads, merges and writes a session file). The OS grants a byte
 * range to one process at a time and releases it when the process dies, so no stale lock
 * outlives a killed JVM, and no lock file is ever created or deleted per session. A request lock
 * of {@code <dir>/.lock} is asked for with its slot's record byte in one OS call (unless this JVM
 * holds that byte already), and both are given back in one when the request ends: the store's
 * record locks within the request join that hold, so a request that finds and saves its session
 * makes two OS lock calls, not four. Writers that hold no request lock (a JVM whose lock manager
 * is off, a purge) still take the record lock, and in another JVM wait for the whole request
 * rather than for its save only.
 *
 * <p>Within the JVM an id is held once at a time: a fair semaphore per id (made while the id is
 * wanted, dropped after) serves waiters in arrival order. Ids of one slot share the slot's OS
 * lock within the JVM, so they never keep each other out here (a request that holds two of
 * them never waits for itself); other processes are kept out of every id of a held slot, and
 * between JVMs the OS decides. The whole JVM uses one channel for the file (its
 * {@link LockFile}), because closing any channel on a file releases every lock the process holds
 * on it; a lock taken in a file that was meanwhile deleted or replaced is given back and taken
 * again in the file now at its path. A lock is not tied to the thread that acquired it.
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

	private static final ConcurrentHashMap<Path, LockTable> open = new ConcurrentHashMap<>();

	private final Path file;

	private final int slots;

	/**
	 * The ids held or wanted in this JVM, per kind of lock.
	 */
	private final Map<Kind, ConcurrentHashMap<String, IdLock>> ids = Map.of(Kind.REQUEST, new ConcurrentHashMap<>(),
			Kind.RECORD, new ConcurrentHashMap<>());

	private final LockFile lockFile;

	/**
	 * The request lock the thread took last in this table, if it took one.
	 */
	private final ThreadLocal<RequestHold> requestHold = new ThreadLocal<>();

	private int references;

	/**
	 * The bytes whose OS lock this JVM holds.
	 */
	private final HeldBytes heldBytes;

	/**
	 * Whether a request lock is asked for together with its slot's record byte: in the session
	 * lock file, where the store takes its record locks.
	 */
	private final boolean requestWithRecord;

	private LockTable(Path file, int slots) {
		this.file = file;
		this.slots = slots;
		this.requestWithRecord = FILE_NAME.equals(String.valueOf(file.getFileName()));
		this.lockFile = new LockFile(file, this::forgetHeldBytes);
		this.heldBytes = new HeldBytes(this.lockFile, file);
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
		ConcurrentHashMap<String, IdLock> ids = this.ids.get(kind);
		IdLock idLock = ids.compute(id, (key, existing) -> ((existing != null) ? existing : new IdLock()).reference());
		boolean acquired = false;
		try {
			if (!idLock.semaphore.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS)) {
				return null;
			}
			try {
				HeldBytes.Hold held = holdByte(id, kind, deadline);
				if (held == null) {
					return null;
				}
				acquired = true;
				RequestHold requestHold = (kind == Kind.REQUEST) ? new RequestHold(held.opened) : null;
				if (requestHold != null) {
					this.requestHold.set(requestHold);
				}
				return new Held(() -> {
					try {
						if (requestHold != null) {
							requestHold.released = true;
						}
						this.heldBytes.release(held);
					}
					finally {
						idLock.semaphore.release();
						ids.computeIfPresent(id, (key, existing) -> existing.unreference());
					}
				});
			}
			finally {
				if (!acquired) {
					idLock.semaphore.release();
				}
			}
		}
		finally {
			if (!acquired) {
				ids.computeIfPresent(id, (key, existing) -> existing.unreference());
			}
		}
	}

	/**
	 * Hold the OS lock of an id's byte for this JVM: join this JVM's hold of it, or ask the OS
	 * until it grants it or the deadline passes; either way, only while the path still names
	 * the file the lock is in. A request lock of the session lock file is asked for together
	 * with the slot's record byte, in one call, when this JVM holds neither: the store's record
	 * lock within the request then joins that hold without an OS call (see {@link HeldBytes}).
	 */
	private HeldBytes.@Nullable Hold holdByte(String id, Kind kind, long deadline) throws InterruptedException {
		long backoff = LockFile.FIRST_PAUSE_NANOS;
		while (true) {
			LockFile.Opened opened = this.lockFile.opened();
			long position = position(opened, id, kind);
			HeldBytes.Hold held = this.heldBytes.hold(opened, position,
					this.requestWithRecord && kind == Kind.REQUEST);
			if (held != null) {
				if ((kind == Kind.RECORD && holdsCheckedRequestLock(opened)) || this.lockFile.isCurrent(opened)) {
					return held;
				}
				this.heldBytes.release(held);
				this.lockFile.reopen(opened);
				continue;
			}
			backoff = LockFile.pause(deadline, backoff);
			if (backoff < 0) {
				return null;
			}
		}
	}

	/**
	 * Whether the calling thread holds a request lock of this table, taken in the lock file as
	 * opened now and found current when it was taken: a record lock taken meanwhile in the same
	 * file needs no look at the path of its own (a request saves its session under its request
	 * lock), as the request lock it is taken under would be no better.
	 */
	private boolean holdsCheckedRequestLock(LockFile.Opened opened) {
		RequestHold hold = this.requestHold.get();
		return hold != null && !hold.released && hold.opened == opened;
	}

	/**
	 * Return the request lock the calling thread took last in this table, while it is held: the
	 * scope of one request, in which the store may trust what the request already checked.
	 * @return an object that stands for the held lock, or {@code null} if the thread holds none
	 */
	@Nullable Object requestScope() {
		RequestHold hold = this.requestHold.get();
		return (hold != null && !hold.released) ? hold : null;
	}

	/**
	 * Forget the bytes held after the lock file's channel was found closed: the OS released
	 * their locks with it.
	 */
	private void forgetHeldBytes() {
		this.heldBytes.forget();
	}

	/**
	 * Return the slot an id hashes to in this table's lock file.
	 * @param id the id
	 * @return the slot, from 0 to the number of slots - 1
	 */
	int slot(String id) {
		return this.lockFile.opened().hash.slot(id, this.slots);
	}

	/**
	 * Return which of several tables an id's lock is in, by other bits of its keyed hash in this
	 * table's lock file than {@link #slot(String)} uses.
	 * @param id the id
	 * @param tables the number of tables, a power of two of at most 2^8
	 * @return the table, from 0 to {@code tables} - 1
	 */
	int shard(String id, int tables) {
		return this.lockFile.opened().hash.shard(id, tables);
	}

	/**
	 * Whether the lock file is still the file at its path, as the locks this table takes need:
	 * {@code false} once it was deleted or replaced, until the next lock is taken.
	 * @return whether it is current
	 */
	boolean isCurrent() {
		return this.lockFile.isCurrent(this.lockFile.opened());
	}

	Path path() {
		return this.file;
	}

	private long position(LockFile.Opened opened, String id, Kind kind) {
		return ((long) opened.hash.slot(id, this.slots) << 1) | kind.ordinal();
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
	 * An id held or wanted in this JVM: its semaphore, and how many want it.
	 */
	private static final class IdLock {

		final Semaphore semaphore = new Semaphore(1, true);

		private int references;

		/**
		 * Count one more user; called inside the id map's compute, which guards the count.
		 */
		IdLock reference() {
			this.references++;
			return this;
		}

		/**
		 * Count one user less; called inside the id map's compute.
		 * @return this, or {@code null} when no one uses it any more (dropped from the map)
		 */
		@Nullable IdLock unreference() {
			return (--this.references > 0) ? this : null;
		}

	}

	/**
	 * A request lock as taken by a thread: the lock file it was found current in, and whether it
	 * has been released (on any thread).
	 */
	private static final class RequestHold {

		final LockFile.Opened opened;

		volatile boolean released;

		RequestHold(LockFile.Opened opened) {
			this.opened = opened;
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
