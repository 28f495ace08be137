package dev.sessionstarter.store.file;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.lock.IdLocks;

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
 * <p>Within the JVM an id is held once at a time: its {@link IdLocks} entry (made while the id is
 * wanted, dropped after) serves waiters in arrival order. Ids of one slot share the slot's OS
 * lock within the JVM, so they never keep each other out here (a request that holds two of
 * them never waits for itself); other processes are kept out of every id of a held slot, and
 * between JVMs the OS decides. The whole JVM uses one channel for the file (its
 * {@link LockFile}), because closing any channel on a file releases every lock the process holds
 * on it; a lock taken in a file that was meanwhile deleted or replaced is given back and taken
 * again in the file now at its path. A lock is not tied to the thread that acquired it.
 */
final class LockTable {

	/** The number of lock slots; ids are spread over them by their hash. */
	static final int SLOTS = 1 << 14;

	/** The name of the lock file in the session directory. */
	static final String FILE_NAME = ".lock";

	private static final SharedFiles<LockTable> OPEN = new SharedFiles<>();

	private final Path file;

	private final int slots;

	private final IdLocks requests = new IdLocks();

	private final IdLocks records = new IdLocks();

	private final LockFile lockFile;

	/** The bytes whose OS lock this JVM holds. */
	private final HeldBytes heldBytes;

	/** The request lock the thread took last in this table, if it took one. */
	private final ThreadLocal<TableLock> requestLock = new ThreadLocal<>();

	/** Whether a request lock is asked for with its slot's record byte: in the session lock file. */
	private final boolean requestWithRecord;

	private LockTable(Path file, int slots) {
		this.file = file;
		this.slots = slots;
		this.requestWithRecord = FILE_NAME.equals(String.valueOf(file.getFileName()));
		this.lockFile = new LockFile(file, this::forgetHeldBytes);
		this.heldBytes = new HeldBytes(this.lockFile);
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
		return OPEN.open(dir.resolve(fileName), (file) -> new LockTable(file, slots));
	}

	/** Give up one reference; the last one closes the lock file. */
	void close() {
		OPEN.close(this.file, () -> this.lockFile.close());
	}

	/**
	 * Acquire one of an id's locks: its entry in this JVM, then its byte's OS lock (see
	 * {@link HeldBytes#hold}). A request lock of the session lock file is asked for with the
	 * slot's record byte; a record lock taken under a request lock the thread holds, in the lock
	 * file that request lock found current, needs no look at the path of its own (a request
	 * saves its session under its request lock, which would be no better).
	 * @param id the session id
	 * @param kind which lock
	 * @param timeoutNanos the longest wait
	 * @return the held lock, or {@code null} if it could not be had in time
	 * @throws InterruptedException if the thread is interrupted while waiting
	 */
	@Nullable HeldLock acquire(String id, LockKind kind, long timeoutNanos) throws InterruptedException {
		long deadline = System.nanoTime() + timeoutNanos;
		boolean record = kind == LockKind.RECORD;
		IdLocks ids = record ? this.records : this.requests;
		IdLocks.Entry entry = ids.acquire(id, timeoutNanos);
		if (entry == null) {
			return null;
		}
		HeldBytes.Hold held = null;
		try {
			TableLock request = record ? this.requestLock.get() : null;
			LockFile.Opened trusted = (request != null && !request.isReleased()) ? request.held.opened : null;
			held = this.heldBytes.hold(id, this.slots, record, this.requestWithRecord, trusted, deadline);
		}
		finally {
			if (held == null) {
				ids.release(id, entry);
			}
		}
		if (held == null) {
			return null;
		}
		TableLock lock = new TableLock(this.heldBytes, ids, id, entry, held);
		if (!record) {
			this.requestLock.set(lock);
		}
		return lock;
	}

	/**
	 * Return the request lock the calling thread took last in this table, while it is held: the
	 * scope of one request, in which the store may trust what the request already checked.
	 * @return an object that stands for the held lock, or {@code null} if the thread holds none
	 */
	@Nullable Object requestScope() {
		TableLock lock = this.requestLock.get();
		return (lock != null && !lock.isReleased()) ? lock : null;
	}

	/** Forget the bytes held in the file whose channel was found closed: the OS released their locks. */
	private void forgetHeldBytes(LockFile.Opened closed) {
		this.heldBytes.forget(closed);
	}

	/**
	 * Return the slot an id hashes to in this table's lock file, from 0 to the number of slots - 1.
	 * @param id the id
	 * @return the slot
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

}
