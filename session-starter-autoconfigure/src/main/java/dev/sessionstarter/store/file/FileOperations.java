package dev.sessionstarter.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The file system operations the store repeats: owner-only directories, listings that
 * tolerate a missing directory, deletes, and writes in bounded chunks (reads:
 * {@link RegularFileReads}).
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

}
