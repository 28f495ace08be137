package dev.sessionstarter.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionTooLargeException;

/**
 * Writes the session files of a {@link SessionDirectory} so that a reader sees the old content
 * or the new, never part of one, and a writer killed half-way leaves something a reader or
 * {@link CrashRecovery} can tell from a whole file. Shared by the file store and the session
 * daemon's storage directory.
 *
 * <p>A whole file is written to a {@linkplain TemporaryFiles temporary file} in the same
 * directory that is then renamed over the old one; a binary record is written in place, into the
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

	private final SessionDirectory directory;

	private final boolean fsync;

	private final TemporaryFiles temporaryFiles;

	/**
	 * Create a writer.
	 * @param directory the directory it writes in
	 * @param fsync whether every write is forced to the disk before it returns
	 */
	public SessionFileWriter(SessionDirectory directory, boolean fsync) {
		this.directory = directory;
		this.fsync = fsync;
		this.temporaryFiles = new TemporaryFiles(directory, fsync);
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
		this.temporaryFiles.deleteIfStale(temp);
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
		Path temp = this.temporaryFiles.write(id, target, content);
		try {
			if (base != null) {
				GoneMarks.markGone(target, base);
			}
			this.temporaryFiles.moveIntoPlace(temp, target);
		}
		catch (UncheckedIOException ex) {
			FileOperations.deleteQuietly(temp);
			throw ex;
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
		this.temporaryFiles.moveIntoPlace(temp, target);
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

}
