package dev.sessionstarter.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The file system operations the store repeats: owner-only directories, listings that
 * tolerate a missing directory, and deletes.
 */
final class FileOperations {

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
	 * List a directory.
	 * @param dir the directory
	 * @return its entries, none if it does not exist
	 */
	static List<Path> list(Path dir) {
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

}
