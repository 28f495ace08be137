package dev.sessionstarter.store.file;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.SessionIds;

/**
 * A {@link SessionLockManager} that holds OS-level exclusive locks in a session directory, so
 * the requests of one session run one at a time across every JVM that shares the directory:
 * the native lock manager of the {@code file} store.
 *
 * <p>A lock is one byte of the directory's lock file {@code <dir>/.lock}, locked with
 * {@link java.nio.channels.FileChannel#tryLock(long, long, boolean)} (see {@link LockTable}):
 * nothing is created or deleted per session, and the OS releases the locks of a JVM that dies,
 * so no stale lock outlives it. Each id hashes to one of {@value LockTable#SLOTS} slots; two
 * ids in one slot wait for each other, which costs time but never correctness. A lock may be
 * released on any thread.
 *
 * <p>It lives beside {@link FileSessionStore} because both use the same lock file, and the
 * file must be locked through one channel per JVM (closing a channel releases every lock the
 * process holds on its file).
 */
public final class FileSessionLockManager implements SessionLockManager, AutoCloseable {

	private final LockTable locks;

	private final AtomicInteger held = new AtomicInteger();

	/**
	 * Create a manager for the directory of a store.
	 * @param store the store
	 */
	public FileSessionLockManager(FileSessionStore store) {
		Assert.notNull(store, "'store' must not be null");
		this.locks = LockTable.open(store.getDirectory());
	}

	/**
	 * Create a manager for a session directory, creating it (owner-only) if needed; for a
	 * store other than {@link FileSessionStore} whose JVMs share a host.
	 * @param dir the directory
	 */
	public FileSessionLockManager(Path dir) {
		Assert.notNull(dir, "'dir' must not be null");
		this.locks = LockTable.open(FileOperations.createDirectory(dir.toAbsolutePath().normalize()));
	}

	private FileSessionLockManager(LockTable locks) {
		this.locks = locks;
	}

	/**
	 * Create a manager for the locks a memoized cache in exclusive coherence holds on every
	 * session it caches, for as long as it caches it. They live in their own lock file,
	 * {@code <dir>/.cache-lock}, with {@value LockTable#CACHE_SLOTS} slots: the JDK checks every
	 * lock a JVM holds on a file each time it takes or releases another, so thousands of
	 * long-held cache locks in the store's lock file would slow every save's record lock; and
	 * with many slots two cached ids rarely share one. The caches of every JVM on the directory
	 * exclude each other through this file; request locks ({@code <dir>/.lock}) are separate.
	 * @param dir the session directory, created (owner-only) if needed
	 * @return the manager
	 */
	public static FileSessionLockManager forCache(Path dir) {
		Assert.notNull(dir, "'dir' must not be null");
		Path directory = FileOperations.createDirectory(dir.toAbsolutePath().normalize());
		return new FileSessionLockManager(LockTable.open(directory, LockTable.CACHE_FILE_NAME, LockTable.CACHE_SLOTS));
	}

	@Override
	public String type() {
		return "file";
	}

	@Override
	public @Nullable SessionLock tryLock(String sessionId, Duration timeout) throws InterruptedException {
		SessionIds.requireValid(sessionId);
		Assert.notNull(timeout, "'timeout' must not be null");
		LockTable.Held lock = this.locks.acquire(sessionId, LockTable.Kind.REQUEST,
				SessionLockManager.timeoutNanos(timeout));
		if (lock == null) {
			return null;
		}
		this.held.incrementAndGet();
		return new FileSessionLock(sessionId, lock);
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
		this.locks.close();
	}

	private final class FileSessionLock implements SessionLock {

		private final String sessionId;

		private final LockTable.Held lock;

		private final AtomicBoolean released = new AtomicBoolean();

		FileSessionLock(String sessionId, LockTable.Held lock) {
			this.sessionId = sessionId;
			this.lock = lock;
		}

		@Override
		public String sessionId() {
			return this.sessionId;
		}

		@Override
		public void release() {
			if (this.released.compareAndSet(false, true)) {
				try {
					this.lock.close();
				}
				finally {
					FileSessionLockManager.this.held.decrementAndGet();
				}
			}
		}

	}

}
