package dev.sessionstarter.store.file;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The OS lock calls made on lock files ({@link LockFile}): each with the thread's interrupt
 * flag cleared around it, since an interrupt during the call would close the shared channel and
 * release every lock the process holds on the file; and each counted, for tests that count what
 * an operation costs.
 */
final class OsLockCalls {

	private static final Log logger = LogFactory.getLog(OsLockCalls.class);

	/** The calls made through every lock file of this JVM: each lock asked for and each released. */
	private static final LongAdder calls = new LongAdder();

	private OsLockCalls() {
	}

	/**
	 * Ask the OS for bytes of a file without waiting, in one call.
	 * @param channel the channel
	 * @param position the first byte
	 * @param size the number of bytes
	 * @return the lock, or {@code null} if another process holds one of them
	 * @throws ClosedChannelException if the channel is closed
	 * @throws IOException if the file cannot be locked
	 */
	static @Nullable FileLock tryLock(FileChannel channel, long position, int size) throws IOException {
		boolean interrupted = Thread.interrupted();
		calls.increment();
		try {
			return channel.tryLock(position, size, false);
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Release an OS lock.
	 * @param lock the lock
	 */
	static void release(FileLock lock) {
		boolean interrupted = Thread.interrupted();
		calls.increment();
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
	 * Return how many OS lock calls (locks asked for, locks released) this JVM has made through
	 * its lock files so far.
	 * @return the count
	 */
	static long count() {
		return calls.sum();
	}

}
