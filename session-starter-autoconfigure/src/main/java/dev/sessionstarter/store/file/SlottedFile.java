package dev.sessionstarter.store.file;

import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionRecord;

/**
 * The layout of a binary session file: two slots of equal capacity, each able to hold one
 * {@link BinaryRecordFormat} record. The file holds its session in whichever slot has the valid
 * record of the higher version; a write (always under the session's record lock) goes to the
 * other slot, in place, so the newest record is never touched while a new one is written. A
 * writer that dies half-way leaves a slot whose checksum fails, and readers use the other one:
 * every write is atomic without a temporary file, a rename, or a new inode, which is what lets
 * a cache keep a session file {@linkplain MappedSessionFile mapped} and see other processes'
 * writes in it.
 *
 * <pre>
 * slot 0 at 0, slot 1 at capacity; file length = 2 x capacity, capacity a multiple of 512
 * slot: int magic 'SSS2' | int record length | int reserved | record (its version at slot + 16) | zeros
 * </pre>
 * A slot never written has magic 0. Before a file is deleted or replaced by a new one (a session
 * outgrew its slots), both magics are overwritten: see {@link GoneMarks}.
 *
 * <p>A file that starts with the record magic itself is a single-record file of the previous
 * layout; it is read as one slot and rewritten in this layout on its next write.
 */
final class SlottedFile {

	static final int MAGIC = 0x53535332;

	static final int SLOT_HEADER = 12;

	private static final int ALIGNMENT = 512;

	private static final int NO_SLOT = -1;

	private SlottedFile() {
	}

	/**
	 * Return the slot capacity of a new file for a record: room for half as much again, so a
	 * session that grows a little is still written in place.
	 * @param recordLength the encoded record's length
	 * @return the capacity of each slot
	 */
	static int capacityFor(int recordLength) {
		long needed = SLOT_HEADER + (long) recordLength;
		long capacity = needed + needed / 2;
		capacity = (capacity + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
		if (capacity * 2 > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("A session record of " + recordLength + " bytes is too large for a file");
		}
		return (int) capacity;
	}

	/**
	 * Return the content of a new file holding one record in slot 0.
	 * @param record the encoded record
	 * @return the file content
	 */
	static ByteBuffer create(byte[] record) {
		int capacity = capacityFor(record.length);
		ByteBuffer file = ByteBuffer.allocate(capacity * 2);
		putSlot(file, 0, record);
		return file;
	}

	/**
	 * Whether the content is in this layout (as opposed to a single record of the previous one).
	 * @param file the whole file
	 * @return {@code true} if it has two slots
	 */
	static boolean isSlotted(ByteBuffer file) {
		int length = file.limit();
		if (length < 2 * ALIGNMENT || length % (2 * ALIGNMENT) != 0) {
			return false;
		}
		int magic = file.getInt(0);
		return magic == MAGIC || magic == GoneMarks.GONE || magic == 0;
	}

	/**
	 * Return the capacity of each slot of a slotted file.
	 * @param file the whole file
	 * @return the capacity
	 */
	static int capacity(ByteBuffer file) {
		return file.limit() / 2;
	}

	/**
	 * Decode the newest valid record of a slotted file.
	 * @param file the whole file
	 * @param format the record format
	 * @return the record and its slot, or {@code null} if the file is {@linkplain GoneMarks#isGone gone}
	 * @throws CorruptSessionFileException if neither slot holds a valid record
	 */
	static @Nullable Read read(ByteBuffer file, BinaryRecordFormat format) throws CorruptSessionFileException {
		if (GoneMarks.isGone(file)) {
			return null;
		}
		int capacity = capacity(file);
		SessionRecord newest = null;
		int slot = NO_SLOT;
		CorruptSessionFileException failure = null;
		for (int i = 0; i < 2; i++) {
			int offset = i * capacity;
			if (file.getInt(offset) != MAGIC) {
				continue;
			}
			try {
				SessionRecord record = decodeSlot(file, offset, capacity, format);
				if (newest == null || record.version() > newest.version()) {
					newest = record;
					slot = i;
				}
			}
			catch (CorruptSessionFileException ex) {
				failure = ex;
			}
		}
		if (newest == null) {
			throw (failure != null) ? failure : new CorruptSessionFileException("no slot holds a record");
		}
		return new Read(newest, slot);
	}

	private static SessionRecord decodeSlot(ByteBuffer file, int offset, int capacity, BinaryRecordFormat format)
			throws CorruptSessionFileException {
		int length = file.getInt(offset + 4);
		if (length < 0 || length > capacity - SLOT_HEADER) {
			throw new CorruptSessionFileException("invalid slot length " + length);
		}
		int start = offset + SLOT_HEADER;
		return format.decode(file.duplicate().limit(start + length).position(start));
	}

	/**
	 * Whether a record fits a slot of the file.
	 * @param file the whole file
	 * @param recordLength the encoded record's length
	 * @return {@code true} if it can be written in place
	 */
	static boolean fits(ByteBuffer file, int recordLength) {
		return SLOT_HEADER + (long) recordLength <= capacity(file);
	}

	/**
	 * Write a record into a slot of a buffer (a mapped file, or a new file's content): the
	 * record first, then its length and magic.
	 * @param file the whole file
	 * @param slot 0 or 1
	 * @param record the encoded record, which must fit
	 */
	static void putSlot(ByteBuffer file, int slot, byte[] record) {
		int offset = slot * capacity(file);
		file.put(offset + SLOT_HEADER, record);
		file.putInt(offset + 8, 0);
		file.putInt(offset + 4, record.length);
		file.putInt(offset, MAGIC);
	}

	/**
	 * Return the bytes of one slot for a positioned write.
	 * @param record the encoded record, which must fit
	 * @return the slot header and the record
	 */
	static ByteBuffer slotContent(byte[] record) {
		ByteBuffer slot = ByteBuffer.allocate(SLOT_HEADER + record.length);
		putSlot(slot, 0, record);
		return slot;
	}

	/**
	 * The newest valid record of a file and the slot it is in.
	 * @param record the record
	 * @param slot 0 or 1
	 */
	record Read(SessionRecord record, int slot) {
	}

}
