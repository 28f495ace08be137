package dev.sessionstarter.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The one channel this JVM has on a lock file (owner-only, never deleted), and the OS byte
 * locks taken through it (see {@link LockTable}). Closing any channel on a file releases every
 * lock the process holds on it, so the channel is shared and guarded: the thread's interrupt
 * flag is cleared around each OS call (an interrupt would close the channel), and a channel
 * found closed anyway is opened again, once, with the owner told that the OS released the locks
 * it held. Thread-safe.
 */
final class LockFile {

	private static final Log logger = LogFactory.getLog(LockFile.class);

	/**
	 * The first pause of a wait for a lock; each next one is twice as long, up to 2ms.
	 */
	static final long FIRST_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

	private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

	private final Path file;

	private final Runnable onReopen;

	private volatile FileChannel channel;

	/**
	 * Open a lock file, creating it if needed.
	 * @param file the lock file
	 * @param onReopen called when the channel was found closed and opened again: the OS has
	 * released every lock taken through the old one
	 * @throws UncheckedIOException if it cannot be opened
	 */
	LockFile(Path file, Runnable onReopen) {
		this.file = file;
		this.onReopen = onReopen;
		this.channel = open(file);
	}

	Path path() {
		return this.file;
	}

	/**
	 * Lock one byte, asking the OS again with a growing pause until it is granted or the
	 * deadline passes.
	 * @param position the byte
	 * @param deadline the {@link System#nanoTime()} to give up at
	 * @return the lock, or {@code null} at the deadline
	 * @throws InterruptedException if the thread is interrupted while waiting
	 */
	@Nullable FileLock lock(int position, long deadline) throws InterruptedException {
		long backoff = FIRST_PAUSE_NANOS;
		while (true) {
			FileLock lock = tryLock(position);
			if (lock != null) {
				return lock;
			}
			backoff = pause(deadline, backoff);
			if (backoff < 0) {
				return null;
			}
		}
	}

	/**
	 * Ask the OS for one byte without waiting.
	 * @param position the byte
	 * @return the lock, or {@code null} if another process holds it
	 * @throws UncheckedIOException if the file cannot be locked
	 */
	@Nullable FileLock tryLock(int position) {
		boolean interrupted = Thread.interrupted();
		try {
			for (int attempt = 0;; attempt++) {
				FileChannel channel = this.channel;
				try {
					return channel.tryLock(position, 1, false);
				}
				catch (ClosedChannelException ex) {
					if (attempt > 0) {
						throw new UncheckedIOException("Lock file " + this.file + " cannot be used", ex);
					}
					reopen(channel);
				}
				catch (IOException ex) {
					throw new UncheckedIOException("Failed to lock " + this.file, ex);
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Release an OS lock, with the thread's interrupt flag cleared around the call.
	 * @param lock the lock
	 */
	static void release(FileLock lock) {
		boolean interrupted = Thread.interrupted();
		try {
			lock.release();
		}
		catch (ClosedChannelException ex) {
			// The OS released it with the channel
		}
		catch (IOException ex) {
			logger.warn("Failed to release a lock in " + lock.channel(), ex);
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Wait before asking the OS again, up to a deadline.
	 * @param deadline the {@link System#nanoTime()} to give up at
	 * @param backoff the wait
	 * @return the next wait, or -1 if the deadline has passed
	 * @throws InterruptedException if the thread is interrupted
	 */
	static long pause(long deadline, long backoff) throws InterruptedException {
		long remaining = deadline - System.nanoTime();
		if (remaining <= 0) {
			return -1;
		}
		if (Thread.interrupted()) {
			throw new InterruptedException();
		}
		LockSupport.parkNanos(Math.min(remaining, backoff));
		return Math.min(backoff * 2, MAX_BACKOFF_NANOS);
	}

	/**
	 * Close the channel, which releases every lock taken through it.
	 */
	void close() {
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			logger.debug("Failed to close " + this.file, ex);
		}
	}

	private synchronized void reopen(FileChannel closed) {
		if (this.channel == closed && !closed.isOpen()) {
			logger.warn("Lock file " + this.file + " was closed unexpectedly; reopening it");
			this.channel = open(this.file);
			this.onReopen.run();
		}
	}

	private static FileChannel open(Path file) {
		try {
			return FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
					FileAttributes.ownerOnlyFile(file));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Failed to open lock file " + file, ex);
		}
	}

}
