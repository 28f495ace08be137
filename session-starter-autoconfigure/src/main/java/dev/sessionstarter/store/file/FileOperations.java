package dev.sessionstarter.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The file system operations the store repeats: owner-only directories, listings that
 * tolerate a missing directory, deletes, and reads and writes in bounded chunks.
 *
 * <p>Reads and writes move at most {@link #CHUNK} bytes per call: the JDK copies a heap buffer
 * through a temporary direct buffer of the same size and keeps that buffer for the thread, so
 * a whole-file call would cost each thread off-heap memory the size of the largest session file
 * it ever touched.
 */
final class FileOperations {

	/**
	 * The most bytes one read or write call moves (64 KiB).
	 */
	static final int CHUNK = 64 * 1024;

	private static final Log logger = LogFactory.getLog(FileOperations.class);

	private FileOperations() {
	}

	/**
	 * Create a directory and its parents, readable by the owner only, unless it exists.
	 * @param dir the directory
	 * @return its real path
	 * @throws UncheckedIOException if it cannot be created
	 */
	static Path createDirectory(Path dir) {
		try {
			if (!Files.isDirectory(dir)) {
				Files.createDirectories(dir, FileAttributes.ownerOnlyDirectory(dir));
			}
			return dir.toRealPath();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create directory " + dir, ex);
		}
	}

	/**
	 * Make sure a folder of the store's own inside a session directory is a directory: created
	 * (owner-only) if missing, a symbolic link in its place (never made by the store) replaced by
	 * a directory, so nothing is written through it out of the session directory.
	 * @param dir the folder
	 * @throws UncheckedIOException if it cannot be created, or something else is in its place
	 */
	static void ensureOwnDirectory(Path dir) {
		try {
			if (Files.isSymbolicLink(dir)) {
				logger.warn("Replacing the symbolic link " + dir
						+ " by a directory: the store never writes through links");
				Files.delete(dir);
			}
			if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
				Files.createDirectories(dir, FileAttributes.ownerOnlyDirectory(dir));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create directory " + dir, ex);
		}
	}

	/**
	 * List a directory; a symbolic link is not followed.
	 * @param dir the directory
	 * @return its entries, none if it does not exist or is a link
	 */
	static List<Path> list(Path dir) {
		if (Files.isSymbolicLink(dir)) {
			return List.of();
		}
		List<Path> paths = new ArrayList<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
			stream.forEach(paths::add);
		}
		catch (NoSuchFileException ex) {
			return List.of();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot list " + dir, ex);
		}
		return paths;
	}

	/**
	 * Delete a file if it exists.
	 * @param path the file
	 * @throws UncheckedIOException if it exists and cannot be deleted
	 */
	static void delete(Path path) {
		try {
			Files.deleteIfExists(path);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot delete " + path, ex);
		}
	}

	/**
	 * Delete a file if it exists, logging a failure at debug level.
	 * @param path the file
	 */
	static void deleteQuietly(Path path) {
		try {
			Files.deleteIfExists(path);
		}
		catch (IOException ex) {
			logger.debug("Cannot delete " + path, ex);
		}
	}

	/**
	 * Read a whole regular file, without following a link and without blocking on anything
	 * that is not a regular file: its type and size are checked before it is opened, and it is
	 * read in chunks of at most {@link #CHUNK} bytes.
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
				int n = channel.read(ByteBuffer.wrap(content, read, Math.min(CHUNK, content.length - read)));
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

	/**
	 * Write all of a buffer's remaining bytes at a position of a file, in chunks of at most
	 * {@link #CHUNK} bytes.
	 * @param channel the file
	 * @param content what to write; its position is moved to its limit
	 * @param position where in the file
	 * @throws IOException if the write fails
	 */
	static void writeAt(FileChannel channel, ByteBuffer content, long position) throws IOException {
		while (content.hasRemaining()) {
			ByteBuffer chunk = content.slice(content.position(), Math.min(CHUNK, content.remaining()));
			int written = channel.write(chunk, position);
			content.position(content.position() + written);
			position += written;
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
