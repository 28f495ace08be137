package dev.sessionstarter.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * Reads of the entries of a session directory as session files: only a regular file, never
 * through a link, of a bounded size, read in chunks of at most {@value FileOperations#CHUNK}
 * bytes; an entry that cannot be one is {@linkplain UnreadableFileException unreadable}, which
 * the store quarantines.
 */
final class RegularFileReads {

	private RegularFileReads() {
	}

	/**
	 * Read a whole regular file, without following a link and without blocking on anything
	 * that is not a regular file: its type and size are checked before it is opened, and it is
	 * read in chunks of at most {@link FileOperations#CHUNK} bytes.
	 * @param path the file
	 * @param maxSize the most bytes it may have
	 * @return its content, or {@code null} if there is no file
	 * @throws UnreadableFileException if it is not a regular file (a directory, a FIFO, a
	 * device, a link), is larger than {@code maxSize}, or may not be read
	 * @throws UncheckedIOException if reading it fails otherwise
	 */
	static byte @Nullable [] readRegularFile(Path path, long maxSize) throws UnreadableFileException {
		BasicFileAttributes attributes;
		try {
			attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read session file " + path, ex);
		}
		checkReadable(attributes, maxSize);
		try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
			long size = channel.size();
			if (size > maxSize) {
				throw new UnreadableFileException("it has " + size + " bytes, more than the " + maxSize
						+ " a session file may have");
			}
			byte[] content = new byte[(int) size];
			int read = 0;
			while (read < content.length) {
				int n = channel.read(ByteBuffer.wrap(content, read, Math.min(FileOperations.CHUNK, content.length - read)));
				if (n < 0) {
					return Arrays.copyOf(content, read);
				}
				read += n;
			}
			return content;
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (AccessDeniedException ex) {
			throw new UnreadableFileException("it may not be read (" + ex.getMessage() + ")");
		}
		catch (FileSystemException ex) {
			// a link (ELOOP) or a directory swapped in since its attributes were read
			throw new UnreadableFileException("it cannot be opened as a regular file (" + ex.getMessage() + ")");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read session file " + path, ex);
		}
	}

	/**
	 * Check that an entry of a session directory can be a session file.
	 * @param attributes its attributes, read without following a link
	 * @param maxSize the most bytes it may have
	 * @throws UnreadableFileException if it is not a regular file or is too large
	 */
	static void checkReadable(BasicFileAttributes attributes, long maxSize) throws UnreadableFileException {
		if (!attributes.isRegularFile()) {
			throw new UnreadableFileException("it is not a regular file but " + describe(attributes));
		}
		if (attributes.size() > maxSize) {
			throw new UnreadableFileException("it has " + attributes.size() + " bytes, more than the " + maxSize
					+ " a session file may have");
		}
	}

	private static String describe(BasicFileAttributes attributes) {
		if (attributes.isDirectory()) {
			return "a directory";
		}
		if (attributes.isSymbolicLink()) {
			return "a symbolic link (never followed)";
		}
		return "a FIFO, socket or device";
	}

	/**
	 * An entry of a session directory that cannot be read as a session file.
	 */
	static final class UnreadableFileException extends CorruptSessionFileException {

		UnreadableFileException(String message) {
			super(message);
		}

	}

}
