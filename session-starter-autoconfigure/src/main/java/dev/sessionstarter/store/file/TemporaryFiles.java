package dev.sessionstarter.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * The temporary files through which a {@link SessionFileWriter} writes a whole session file: one
 * is created (owner-only, never over an existing file) and written in the same directory, then
 * renamed over the session file, atomically; one that a writer killed while writing it left
 * behind is deleted once it is {@linkplain #STALE_TEMP_AGE stale}. With {@code fsync}, the
 * content is forced to the disk before the rename, and the directory after it, where the
 * platform allows.
 */
final class TemporaryFiles {

	/**
	 * How old a temporary file must be before it is taken for one a killed writer left behind.
	 */
	static final Duration STALE_TEMP_AGE = Duration.ofMinutes(10);

	private final SessionDirectory directory;

	private final boolean fsync;

	TemporaryFiles(SessionDirectory directory, boolean fsync) {
		this.directory = directory;
		this.fsync = fsync;
	}

	/**
	 * Write the content of a session file to a new temporary file, creating the directory again
	 * if it was deleted.
	 * @param id the session id
	 * @param target the session file, for the message of a failure
	 * @param content the file content
	 * @return the temporary file
	 * @throws UncheckedIOException if it cannot be written (and is then deleted)
	 */
	Path write(String id, Path target, byte[] content) {
		Path temp = this.directory.newTemporaryFile(id);
		try (FileChannel channel = create(temp)) {
			FileOperations.writeAt(channel, ByteBuffer.wrap(content), 0);
			if (this.fsync) {
				channel.force(true);
			}
			return temp;
		}
		catch (IOException ex) {
			FileOperations.deleteQuietly(temp);
			throw new UncheckedIOException("Cannot write session file " + target, ex);
		}
		catch (UncheckedIOException ex) {
			FileOperations.deleteQuietly(temp);
			throw ex;
		}
	}

	private FileChannel create(Path temp) throws IOException {
		Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
		try {
			return FileChannel.open(temp, options, FileAttributes.ownerOnlyFile(temp));
		}
		catch (NoSuchFileException ex) {
			FileOperations.createDirectory(this.directory.path());
			return FileChannel.open(temp, options, FileAttributes.ownerOnlyFile(temp));
		}
	}

	/**
	 * Rename a whole temporary file over a session file, atomically.
	 * @param temp the temporary file
	 * @param target the session file
	 * @throws UncheckedIOException if it cannot be renamed
	 */
	void moveIntoPlace(Path temp, Path target) {
		try {
			Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot move " + temp.getFileName() + " to session file " + target, ex);
		}
		if (this.fsync) {
			forceDirectory();
		}
	}

	/**
	 * Delete a temporary file if it is older than {@link #STALE_TEMP_AGE}.
	 * @param temp a {@linkplain SessionDirectory#isTemporary temporary file} of the directory
	 */
	void deleteIfStale(Path temp) {
		try {
			Instant modified = Files.getLastModifiedTime(temp).toInstant();
			if (modified.plus(STALE_TEMP_AGE).isBefore(Instant.now())) {
				FileOperations.deleteQuietly(temp);
			}
		}
		catch (IOException ex) {
			// Renamed or removed meanwhile
		}
	}

	private void forceDirectory() {
		try (FileChannel channel = FileChannel.open(this.directory.path(), StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			// Not every platform can open or force a directory; the file itself was forced
		}
	}

}
