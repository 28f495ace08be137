package dev.sessionstarter.store.file;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionRecord;

/**
 * What a session file holds: its record and, for a {@linkplain SlottedFile slotted} binary file,
 * the whole file and the slot the record is in, which is what a write in place and the gone
 * marks need.
 *
 * @param record the session
 * @param slotted the whole file if it is slotted, else {@code null}
 * @param slot the slot that holds the record, 0 if the file is not slotted
 */
record StoredFile(SessionRecord record, @Nullable ByteBuffer slotted, int slot) {

	/**
	 * The largest session file the store reads or writes (64 MiB): a bound on what one read
	 * costs, whatever the directory holds (a sparse file of many GB, say). A binary file has
	 * room for its record three times over, so it holds sessions of up to about 21 MiB encoded.
	 */
	static final long MAX_FILE_SIZE = 64L * 1024 * 1024;

	/**
	 * Read and decode a session file, with or without its record lock.
	 * @param path the file
	 * @param id the session the file must hold
	 * @param format the format of the directory's files
	 * @return what the file holds, or {@code null} if there is no file
	 * @throws CorruptSessionFileException if the file cannot be parsed or holds another session
	 * (a {@link MarkedGoneException} if it is marked gone)
	 */
	static @Nullable StoredFile read(Path path, String id, RecordFormat format) throws CorruptSessionFileException {
		byte[] bytes = readBytes(path);
		if (bytes == null) {
			return null;
		}
		StoredFile stored;
		ByteBuffer file = ByteBuffer.wrap(bytes);
		if (format instanceof BinaryRecordFormat binary && SlottedFile.isSlotted(file)) {
			SlottedFile.Read read = SlottedFile.read(file, binary);
			if (read == null) {
				throw new MarkedGoneException(file);
			}
			stored = new StoredFile(read.record(), file, read.slot());
		}
		else {
			stored = new StoredFile(format.decode(bytes), null, 0);
		}
		if (!stored.record().id().equals(id)) {
			throw new CorruptSessionFileException("it holds session " + stored.record().id());
		}
		return stored;
	}

	/**
	 * Return the version a binary file names, without decoding or checking a record: from the
	 * slot headers of a slotted file (the newest one written or being written, see
	 * {@link SlotReads#claimedVersion}), from the header of a single-record one.
	 * @param bytes the file content
	 * @return the version, or {@code null} if the headers name none
	 */
	static @Nullable Long claimedVersion(byte[] bytes) {
		ByteBuffer file = ByteBuffer.wrap(bytes);
		return SlottedFile.isSlotted(file) ? SlotReads.claimedVersion(file) : BinaryRecordFormat.version(file);
	}

	/**
	 * Read a whole session file, which must be a regular file (a link is not followed) of at
	 * most {@link #MAX_FILE_SIZE} bytes; see {@link RegularFileReads#readRegularFile}.
	 * @param path the file
	 * @return its content, or {@code null} if there is no file
	 * @throws CorruptSessionFileException if it is not a regular file, is too large or may not
	 * be read
	 * @throws UncheckedIOException if reading it fails otherwise
	 */
	static byte @Nullable [] readBytes(Path path) throws CorruptSessionFileException {
		return RegularFileReads.readRegularFile(path, MAX_FILE_SIZE);
	}

}
