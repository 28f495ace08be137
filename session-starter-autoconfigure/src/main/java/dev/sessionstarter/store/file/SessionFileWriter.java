package dev.sessionstarter.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionTooLargeException;

/**
 * Writes the session files of a {@link SessionDirectory} so that a reader sees the old content
 * or the new, never part of one, and a writer killed half-way leaves something a reader or
 * {@link CrashRecovery} can tell from a whole file. Shared by the file store and the session
 * daemon's storage directory.
 *
 * <p>A whole file is written to a temporary file in the same directory (owner-only) that is
 * then renamed over the old one; a binary record is written in place, into the
 * {@linkplain SlottedFile slot} that does not hold the newest record, when the file has room.
 * With {@code fsync}, each write is forced to the disk before it returns (and, after a rename,
 * the directory too, where the platform allows). Callers serialize the writes of one session
 * (the file store holds its record lock).
 *
 * <p>Files are opened without following links, so a link in the directory never makes it
 * write elsewhere; bytes go out in chunks of at most {@value FileOperations#CHUNK}, so a large
 * session costs no off-heap buffer of its size. A directory deleted meanwhile is created again.
 * No file larger than {@link StoredFile#MAX_FILE_SIZE} is written, since none would be read.
 */
public final class SessionFileWriter {

	/**
	 * How old a temporary file must be before it is taken for one a killed writer left behind.
	 */
	static final Duration STALE_TEMP_AGE = Duration.ofMinutes(10);

	private final SessionDirectory directory;

	private final boolean fsync;

	/**
	 * Create a writer.
	 * @param directory the directory it writes in
	 * @param fsync whether every write is forced to the disk before it returns
	 */
	public SessionFileWriter(SessionDirectory directory, boolean fsync) {
		this.directory = directory;
		this.fsync = fsync;
	}

	/**
	 * Write the whole file of a session anew: a temporary file renamed over the old file.
	 * @param id the session id, a valid one
	 * @param content the file content
	 * @throws UncheckedIOException if the file cannot be written
	 */
	public void replace(String id, byte[] content) {
		replace(id, content, null);
	}

	/**
	 * Delete the file of a session, if it has one.
	 * @param id the session id, a valid one
	 * @throws UncheckedIOException if it exists and cannot be deleted
	 */
	public void delete(String id) {
		FileOperations.delete(file(id));
	}

	/**
	 * Delete a temporary file if it is older than any live write could be (ten minutes): one a
	 * writer killed while writing it left behind.
	 * @param temp a {@linkplain SessionDirectory#isTemporary temporary file} of the directory
	 */
	public void deleteIfStale(Path temp) {
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

	/**
	 * Write a record: in place into the other slot of the binary file that holds {@code base}
	 * when it fits, otherwise a new file.
	 * @param record the record
	 * @param format the format of the directory's files
	 * @param base what the session's file holds now, or {@code null} if it has no file (or the
	 * file is the previous one of a renamed session)
	 */
	void write(SessionRecord record, RecordFormat format, @Nullable StoredFile base) {
		if (!(format instanceof BinaryRecordFormat binary)) {
			byte[] encoded = format.encode(record);
			checkSize(record.id(), encoded.length);
			replace(record.id(), encoded, base);
			return;
		}
		byte[] encoded = binary.encode(record);
		ByteBuffer file = (base != null) ? base.slotted() : null;
		if (file != null && SlottedFile.fits(file, encoded.length)) {
			writeSlot(file(record.id()), file, 1 - base.slot(), encoded);
		}
		else {
			checkSize(record.id(), 2L * SlottedFile.capacityFor(encoded.length));
			replace(record.id(), SlottedFile.create(encoded).array(), base);
		}
	}

	private static void checkSize(String id, long fileSize) {
		if (fileSize > StoredFile.MAX_FILE_SIZE) {
			throw new SessionTooLargeException(id, fileSize, StoredFile.MAX_FILE_SIZE);
		}
	}

	/**
	 * Write a whole new file for a session: to a temporary file that is renamed over the old
	 * one, which is marked gone first if it is a slotted binary file.
	 * @param base what the session's file holds now, or {@code null} if it has no file
	 */
	void replace(String id, byte[] content, @Nullable StoredFile base) {
		Path target = file(id);
		Path temp = this.directory.newTemporaryFile(id);
		try {
			try (FileChannel channel = createTemporaryFile(temp)) {
				FileOperations.writeAt(channel, ByteBuffer.wrap(content), 0);
				if (this.fsync) {
					channel.force(true);
				}
			}
			if (base != null) {
				GoneMarks.markGone(target, base);
			}
			moveIntoPlace(temp, target);
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

	/**
	 * Create a temporary file, creating the directory again if it was deleted.
	 */
	private FileChannel createTemporaryFile(Path temp) throws IOException {
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
	 * Delete a session's file, marking it gone first if it is a slotted binary file.
	 * @param stored what the file holds
	 */
	void delete(String id, StoredFile stored) {
		Path path = file(id);
		GoneMarks.markGone(path, stored);
		FileOperations.delete(path);
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
	 * Write a file's whole content back in place, as {@link CrashRecovery} restores one.
	 * @param path the session file
	 * @param content the content, from its start
	 */
	void restore(Path path, ByteBuffer content) {
		try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
			FileOperations.writeAt(channel, content.duplicate().clear(), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot restore session file " + path, ex);
		}
	}

	private void writeSlot(Path path, ByteBuffer file, int slot, byte[] encoded) {
		try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
			FileOperations.writeAt(channel, SlottedFile.slotContent(encoded), (long) slot * SlottedFile.capacity(file));
			if (this.fsync) {
				channel.force(false);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write session file " + path, ex);
		}
	}

	private Path file(String id) {
		return Objects.requireNonNull(this.directory.file(id), "not a valid session id");
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
