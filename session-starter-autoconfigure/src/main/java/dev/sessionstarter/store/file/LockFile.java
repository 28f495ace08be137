package dev.sessionstarter.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The one channel this JVM has on a lock file (owner-only, a regular file opened without
 * following links), and the OS byte locks taken through it (see {@link LockTable}). Closing any
 * channel on a file releases every lock the process holds on it, so the channel is shared and
 * guarded: the thread's interrupt flag is cleared around each OS call ({@link OsLockCalls}: an
 * interrupt would close the channel), and a channel found closed anyway is opened again, with the owner told that the
 * OS released the locks it held.
 *
 * <p>The file starts with the {@linkplain SlotHash key} that spreads ids over its slots (see
 * {@link LockFileOpener}). A lock counts only while the path still names the file it was taken
 * in: a file deleted (with its directory, say) or replaced is noticed by {@link #isCurrent}, and
 * {@link #reopen} opens (creating if needed) the file now at the path, with its directory, so
 * processes that open the file later lock the same one. Thread-safe.
 */
final class LockFile {

	private static final Log logger = LogFactory.getLog(LockFile.class);

	private final Path file;

	private final Consumer<Opened> onReopen;

	private volatile Opened opened;

	/**
	 * Open a lock file, creating it and its directory if needed.
	 * @param file the lock file
	 * @param onReopen called with the file as opened before when its channel was found closed and
	 * the file opened again: the OS has released every lock taken through the old channel
	 * @throws UncheckedIOException if it cannot be opened, or is not a regular file
	 */
	LockFile(Path file, Consumer<Opened> onReopen) {
		this.file = file;
		this.onReopen = onReopen;
		this.opened = LockFileOpener.open(file);
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
	 * Ask the OS for bytes of an opened file without waiting, in one call.
	 * @param opened the file, as {@link #opened()} returned it
	 * @param position the first byte
	 * @param size the number of bytes
	 * @return the lock, or {@code null} if another process holds one of them or the channel
	 * was found closed (and the file opened again: ask again)
	 * @throws UncheckedIOException if the file cannot be locked
	 */
	@Nullable FileLock tryLock(Opened opened, long position, int size) {
		try {
			return OsLockCalls.tryLock(opened.channel, position, size);
		}
		catch (ClosedChannelException ex) {
			// the caller opens it again (reopenIfClosed) once it holds no monitor of its own
			return null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Failed to lock " + this.file, ex);
		}
	}

	/**
	 * Whether the path still names an opened file: a lock taken in it excludes every process
	 * that opens the path.
	 * @param opened the file
	 * @return {@code false} if the file was deleted or replaced
	 */
	boolean isCurrent(Opened opened) {
		BasicFileAttributes attributes = LockFileOpener.attributes(this.file);
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
		Opened fresh = LockFileOpener.open(this.file);
		logger.warn("Lock file " + this.file + " was deleted or replaced; locking in the file now at its path");
		this.opened = fresh;
		LockFileOpener.closeQuietly(stale.channel);
	}

	/**
	 * Close the channel, which releases every lock taken through it.
	 */
	void close() {
		LockFileOpener.closeQuietly(this.opened.channel);
	}

	/**
	 * Open the file again if its channel, as opened, was found closed (an interrupt during an OS
	 * call closes it), and tell the callback, outside this object's monitor. Not to be called
	 * under a monitor the callback takes.
	 * @param opened the file as opened when a call on it failed
	 * @return whether its channel was closed
	 */
	boolean reopenIfClosed(Opened opened) {
		if (opened.channel.isOpen()) {
			return false;
		}
		boolean reopened;
		synchronized (this) {
			reopened = this.opened == opened;
			if (reopened) {
				logger.warn("Lock file " + this.file + " was closed unexpectedly; reopening it");
				this.opened = LockFileOpener.open(this.file);
			}
		}
		if (reopened) {
			this.onReopen.accept(opened);
		}
		return true;
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
