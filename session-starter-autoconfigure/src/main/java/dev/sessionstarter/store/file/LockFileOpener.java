package dev.sessionstarter.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
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

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Opens a {@link LockFile}: an owner-only regular file, opened without following links and
 * created with its directory if needed, whose identity is checked before and after the open,
 * and whose {@linkplain SlotHash key} is read, or written once by whichever process creates the
 * file, under an OS lock of its own, so every process that shares the file uses the same key.
 */
final class LockFileOpener {

	private static final Log logger = LogFactory.getLog(LockFile.class);

	/** The byte locked while the key is read or written, past every slot's byte. */
	private static final long KEY_LOCK = Integer.MAX_VALUE;

	private static final int KEY_MAGIC = 0x53534b31;

	private static final long KEY_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

	private static final SecureRandom random = new SecureRandom();

	private LockFileOpener() {
	}

	/**
	 * Open a lock file, creating it and its directory if needed, and read or write its key.
	 * @param file the lock file
	 * @return the file as opened
	 * @throws UncheckedIOException if it cannot be opened, or is not a regular file
	 */
	static LockFile.Opened open(Path file) {
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
					return new LockFile.Opened(channel, after.fileKey(), key(file, channel));
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
		long backoff = Backoff.FIRST_PAUSE_NANOS;
		boolean interrupted = Thread.interrupted();
		try {
			FileLock lock;
			while ((lock = channel.tryLock(KEY_LOCK, 1, false)) == null) {
				backoff = Backoff.pauseUninterruptibly(deadline, backoff);
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

	static @Nullable BasicFileAttributes attributes(Path file) {
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

	static void closeQuietly(FileChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			logger.debug("Failed to close a lock file", ex);
		}
	}

}
