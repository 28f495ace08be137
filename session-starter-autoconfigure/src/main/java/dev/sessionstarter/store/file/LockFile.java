package dev.sessionstarter.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The one channel this JVM has on a lock file (owner-only, a regular file opened without
 * following links), and the OS byte locks taken through it (see {@link LockTable}). Closing any
 * channel on a file releases every lock the process holds on it, so the channel is shared and
 * guarded: the thread's interrupt flag is cleared around each OS call (an interrupt would close
 * the channel), and a channel found closed anyway is opened again, with the owner told that the
 * OS released the locks it held.
 *
 * <p>The file starts with the {@linkplain SlotHash key} that spreads ids over its slots, written
 * once by whichever process creates the file, under an OS lock of its own, so every process
 * that shares the file uses the same key. A lock counts only while the path still names the
 * file it was taken in: a file deleted (with its directory, say) or replaced is noticed by
 * {@link #isCurrent}, and {@link #reopen} opens (creating if needed) the file now at the path,
 * with its directory, so processes that open the file later lock the same one. Thread-safe.
 */
final class LockFile {

	private static final Log logger = LogFactory.getLog(LockFile.class);

	/**
	 * The first pause of a wait for a lock; each next one is twice as long, up to 2ms.
	 */
	static final long FIRST_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

	private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

	/**
	 * The byte locked while the key is read or written, past every slot's byte.
	 */
	private static final long KEY_LOCK = Integer.MAX_VALUE;

	private static final int KEY_MAGIC = 0x53534b31;

	private static final long KEY_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

	private static final SecureRandom random = new SecureRandom();

	/**
	 * The OS lock calls made through every lock file of this JVM: each lock asked for and each
	 * released; read by tests that count what an operation costs.
	 */
	private static final LongAdder osCalls = new LongAdder();

	private final Path file;

	private final Runnable onReopen;

	private volatile Opened opened;

	/**
	 * Open a lock file, creating it and its directory if needed.
	 * @param file the lock file
	 * @param onReopen called when the channel was found closed and opened again: the OS has
	 * released every lock taken through the old one
	 * @throws UncheckedIOException if it cannot be opened, or is not a regular file
	 */
	LockFile(Path file, Runnable onReopen) {
		this.file = file;
		this.onReopen = onReopen;
		this.opened = open(file);
	}

	Path path() {
		return this.file;
	}

	/**
	 * Return the file as opened now.
	 * @return the channel and key in use
	 */
	Opened opened() {
		return this.opened;
	}

	/**
	 * Ask the OS for one byte of an opened file without waiting.
	 * @param opened the file, as {@link #opened()} returned it
	 * @param position the byte
	 * @return the lock, or {@code null} if another process holds it or the channel was found
	 * closed (and the file opened again: ask again)
	 * @throws UncheckedIOException if the file cannot be locked
	 */
	@Nullable FileLock tryLock(Opened opened, long position) {
		return tryLock(opened, position, 1);
	}

	/**
	 * Ask the OS for bytes of an opened file without waiting, in one call.
	 * @param opened the file, as {@link #opened()} returned it
	 * @param position the first byte
	 * @param size the number of bytes
	 * @return the lock, or {@code null} if another process holds one of them or the channel
	 * was found closed (and the file opened again: ask again)
	 * @throws UncheckedIOException if the file cannot be locked
	 */
	@Nullable FileLock tryLock(Opened opened, long position, int size) {
		boolean interrupted = Thread.interrupted();
		osCalls.increment();
		try {
			return opened.channel.tryLock(position, size, false);
		}
		catch (ClosedChannelException ex) {
			reopenClosed(opened);
			return null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Failed to lock " + this.file, ex);
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Whether the path still names an opened file: a lock taken in it excludes every process
	 * that opens the path.
	 * @param opened the file
	 * @return {@code false} if the file was deleted or replaced
	 */
	boolean isCurrent(Opened opened) {
		BasicFileAttributes attributes = attributes(this.file);
		return attributes != null && attributes.isRegularFile() && opened.fileKey.equals(attributes.fileKey());
	}

	/**
	 * Open the file now at the path (creating it and its directory if needed) in place of one
	 * found deleted or replaced; locks held in the old one stay held until released.
	 * @param stale the file found no longer current
	 * @throws UncheckedIOException if it cannot be opened
	 */
	synchronized void reopen(Opened stale) {
		if (this.opened != stale) {
			return;
		}
		Opened fresh = open(this.file);
		logger.warn("Lock file " + this.file + " was deleted or replaced; locking in the file now at its path");
		this.opened = fresh;
		closeQuietly(stale.channel);
	}

	/**
	 * Release an OS lock, with the thread's interrupt flag cleared around the call.
	 * @param lock the lock
	 */
	static void release(FileLock lock) {
		boolean interrupted = Thread.interrupted();
		osCalls.increment();
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
	 * Return how many OS lock calls (locks asked for, locks released) this JVM has made through
	 * its lock files so far.
	 * @return the count
	 */
	static long osCalls() {
		return osCalls.sum();
	}

	/**
	 * Close the channel, which releases every lock taken through it.
	 */
	void close() {
		closeQuietly(this.opened.channel);
	}

	private synchronized void reopenClosed(Opened closed) {
		if (this.opened == closed && !closed.channel.isOpen()) {
			logger.warn("Lock file " + this.file + " was closed unexpectedly; reopening it");
			this.opened = open(this.file);
			this.onReopen.run();
		}
	}

	private static Opened open(Path file) {
		FileOperations.createDirectory(Objects.requireNonNull(file.getParent()));
		for (int attempt = 1;; attempt++) {
			BasicFileAttributes before = attributes(file);
			if (before != null && !before.isRegularFile()) {
				throw notRegular(file);
			}
			FileChannel channel;
			try {
				channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
						StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), FileAttributes.ownerOnlyFile(file));
			}
			catch (FileSystemException ex) {
				if (Files.isSymbolicLink(file)) {
					throw notRegular(file);
				}
				throw new UncheckedIOException("Failed to open lock file " + file, ex);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Failed to open lock file " + file, ex);
			}
			BasicFileAttributes after = attributes(file);
			boolean same = before == null || (after != null && before.fileKey().equals(after.fileKey()));
			if (after != null && after.isRegularFile() && same) {
				try {
					return new Opened(channel, after.fileKey(), key(file, channel));
				}
				catch (RuntimeException ex) {
					closeQuietly(channel);
					throw ex;
				}
			}
			closeQuietly(channel);
			if (attempt >= 3) {
				throw new UncheckedIOException(new IOException("Lock file " + file + " keeps being replaced"));
			}
		}
	}

	/**
	 * Read the file's key, or write a new random one if it has none, under an OS lock.
	 */
	private static SlotHash key(Path file, FileChannel channel) {
		long deadline = System.nanoTime() + KEY_WAIT_NANOS;
		long backoff = FIRST_PAUSE_NANOS;
		boolean interrupted = Thread.interrupted();
		try {
			FileLock lock;
			while ((lock = channel.tryLock(KEY_LOCK, 1, false)) == null) {
				backoff = pauseUninterruptibly(deadline, backoff);
				if (backoff < 0) {
					throw new UncheckedIOException(new IOException("Timed out reading the key of lock file " + file));
				}
			}
			try {
				ByteBuffer header = ByteBuffer.allocate(4 + SlotHash.KEY_LENGTH);
				while (header.hasRemaining() && channel.read(header, header.position()) > 0) {
					// read on
				}
				byte[] key = new byte[SlotHash.KEY_LENGTH];
				if (header.position() == header.capacity() && header.getInt(0) == KEY_MAGIC) {
					header.get(4, key);
					return new SlotHash(key);
				}
				random.nextBytes(key);
				header.clear();
				header.putInt(KEY_MAGIC).put(key).flip();
				while (header.hasRemaining()) {
					channel.write(header, header.position());
				}
				return new SlotHash(key);
			}
			finally {
				lock.release();
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Failed to read the key of lock file " + file, ex);
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private static long pauseUninterruptibly(long deadline, long backoff) {
		long remaining = deadline - System.nanoTime();
		if (remaining <= 0) {
			return -1;
		}
		LockSupport.parkNanos(Math.min(remaining, backoff));
		return Math.min(backoff * 2, MAX_BACKOFF_NANOS);
	}

	private static @Nullable BasicFileAttributes attributes(Path file) {
		try {
			return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the attributes of lock file " + file, ex);
		}
	}

	private static UncheckedIOException notRegular(Path file) {
		return new UncheckedIOException(new FileSystemException(file.toString(), null,
				"not a regular file (a link, a directory or a device?): lock files are never followed out of "
						+ "their directory; remove it"));
	}

	private static void closeQuietly(FileChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			logger.debug("Failed to close a lock file", ex);
		}
	}

	/**
	 * A lock file as opened: its channel, the identity of the file it is open on, and the key
	 * it holds.
	 */
	static final class Opened {

		final FileChannel channel;

		final Object fileKey;

		final SlotHash hash;

		Opened(FileChannel channel, Object fileKey, SlotHash hash) {
			this.channel = channel;
			this.fileKey = fileKey;
			this.hash = hash;
		}

	}

}
