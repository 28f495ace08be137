package dev.sessionstarter.store.file;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.lock.ReleaseOnceLock;
import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.SessionIds;
import dev.sessionstarter.store.StoreUnavailableException;

/**
 * A {@link SessionLockManager} that holds OS-level exclusive locks in a session directory, so
 * the requests of one session run one at a time across every JVM that shares the directory:
 * the native lock manager of the {@code file} store.
 *
 * <p>A lock is one byte of the directory's lock file {@code <dir>/.lock}, locked with
 * {@link java.nio.channels.FileChannel#tryLock(long, long, boolean)} (see {@link LockTable}):
 * nothing is created or deleted per session, and the OS releases the locks of a JVM that dies,
 * so no stale lock outlives it. Each id hashes to one of {@value LockTable#SLOTS} slots by a
 * keyed hash whose random key is in the lock file, so nobody outside can aim ids at one slot.
 * Ids of one slot share its OS lock within a JVM (a request holding two never waits for
 * itself); in two JVMs they wait for each other, which costs time but never correctness. A lock
 * may be released on any thread.
 *
 * <p>It lives beside {@link FileSessionStore} because both use the same lock file, and the
 * file must be locked through one channel per JVM (closing a channel releases every lock the
 * process holds on its file).
 */
public final class FileSessionLockManager implements SessionLockManager, AutoCloseable {

	/**
	 * The directory, in the session directory, of the files that hold the locks a memoized cache
	 * keeps on the sessions it caches (see {@link #forCache(Path)}); each
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

	private final LockTable[] tables;

	private final AtomicInteger held = new AtomicInteger();

	/**
	 * Create a manager for the directory of a store.
	 * @param store the store
	 */
	public FileSessionLockManager(FileSessionStore store) {
		Assert.notNull(store, "'store' must not be null");
		this.tables = new LockTable[] { LockTable.open(store.getDirectory()) };
	}

	/**
	 * Create a manager for a session directory, creating it (owner-only) if needed; for a
	 * store other than {@link FileSessionStore} whose JVMs share a host.
	 * @param dir the directory
	 */
	public FileSessionLockManager(Path dir) {
		Assert.notNull(dir, "'dir' must not be null");
		Path directory = FileOperations.createDirectory(dir.toAbsolutePath().normalize());
		this.tables = new LockTable[] { LockTable.open(directory) };
	}

	private FileSessionLockManager(LockTable[] tables) {
		this.tables = tables;
	}

	/**
	 * Create a manager for the locks a memoized cache in exclusive coherence holds on every
	 * session it caches, for as long as it caches it. They live in their own lock files,
	 * {@code <dir>/.cache-locks/0} to {@code 63}, apart from the request and record locks of
	 * {@code <dir>/.lock}: the JDK checks every lock a JVM holds on a file each time it takes or
	 * releases another one there, so thousands of long-held locks in one file would slow every
	 * lock operation on it. The caches of every JVM on the directory exclude each other through
	 * these files. Within one JVM, ids that hash to one slot share its OS lock, so a cache never
	 * keeps out its own sessions; one id is still held once at a time.
	 * @param dir the session directory, created (owner-only) if needed
	 * @return the manager
	 */
	public static FileSessionLockManager forCache(Path dir) {
		Assert.notNull(dir, "'dir' must not be null");
		Path directory = FileOperations.createDirectory(dir.toAbsolutePath().normalize());
		Path locks = FileOperations.createDirectory(directory.resolve(FileSessionLockManager.CACHE_DIR));
		LockTable[] tables = new LockTable[FileSessionLockManager.CACHE_SHARDS];
		for (int i = 0; i < tables.length; i++) {
			tables[i] = LockTable.open(locks, Integer.toString(i), FileSessionLockManager.CACHE_SLOTS_PER_SHARD);
		}
		return new FileSessionLockManager(tables);
	}

	@Override
	public String type() {
		return "file";
	}

	/**
	 * Take the request lock of a session.
	 * @throws StoreUnavailableException if the lock file cannot be used (its directory was
	 * deleted and cannot be created again, say), which the lock filter answers with a 503
	 */
	@Override
	public @Nullable SessionLock tryLock(String sessionId, Duration timeout) throws InterruptedException {
		SessionIds.requireValid(sessionId);
		Assert.notNull(timeout, "'timeout' must not be null");
		long timeoutNanos = SessionLockManager.timeoutNanos(timeout);
		LockTable table = (this.tables.length > 1) ? this.tables[this.tables[0].shard(sessionId, this.tables.length)]
				: this.tables[0];
		HeldLock lock;
		try {
			lock = table.acquire(sessionId, LockKind.REQUEST, timeoutNanos);
		}
		catch (UncheckedIOException ex) {
			throw new StoreUnavailableException("Lock file " + table.path() + " cannot be used: " + ex.getMessage(),
					ex);
		}
		if (lock == null) {
			return null;
		}
		this.held.incrementAndGet();
		return new ReleaseOnceLock(sessionId, () -> {
			try {
				lock.close();
			}
			finally {
				this.held.decrementAndGet();
			}
		});
	}

	@Override
	public int heldLocks() {
		return this.held.get();
	}

	/**
	 * Release this manager's reference to the directory's lock file.
	 */
	@Override
	public void close() {
		for (LockTable table : this.tables) {
			table.close();
		}
	}

}
