package dev.sessionstarter.store.file;

import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionRecord;

/**
 * Reads of a {@linkplain SlottedFile slotted} binary file that another process may be writing
 * (a mapping, mostly): the version its slot headers claim, read without decoding or checking a
 * record, the slot that holds it, and the newest record read again a few times when a slot is
 * caught half-written.
 */
final class SlotReads {

	private SlotReads() {
	}

	/**
	 * Return the highest version a slot header names, without checking its record; a record
	 * being written names its version before its checksum is valid, so the result is the
	 * newest version either written or being written: what a cached copy must equal to be
	 * current.
	 * @param file the whole file
	 * @return the version, or {@code null} if no slot names one
	 */
	static @Nullable Long claimedVersion(ByteBuffer file) {
		int capacity = SlottedFile.capacity(file);
		long first = claimedVersion(file, 0, capacity);
		long second = claimedVersion(file, capacity, capacity);
		long newest = Math.max(first, second);
		return (newest >= 0) ? newest : null;
	}

	private static long claimedVersion(ByteBuffer file, int offset, int capacity) {
		if (file.getInt(offset) != SlottedFile.MAGIC) {
			return -1;
		}
		int length = file.getInt(offset + 4);
		if (length < BinaryRecordFormat.HEADER_SIZE || length > capacity - SlottedFile.SLOT_HEADER) {
			return -1;
		}
		return file.getLong(offset + SlottedFile.SLOT_HEADER + 4);
	}

	/**
	 * Return the slot that holds the claimed newest version, the one a write in place must not
	 * overwrite.
	 * @param file the whole file
	 * @return 0 or 1
	 */
	static int claimedNewestSlot(ByteBuffer file) {
		int capacity = SlottedFile.capacity(file);
		return (claimedVersion(file, capacity, capacity) > claimedVersion(file, 0, capacity)) ? 1 : 0;
	}

	/**
	 * Return the newest record of a mapping and its slot, for a write in place under the
	 * record lock: what the caller holds when the slot headers claim its version (no need to
	 * read it), otherwise the newest valid record, {@linkplain #read read again} if a slot is
	 * caught half-written.
	 * @param mapping the whole file, mapped
	 * @param current the record the caller holds
	 * @param attempts how many reads to make before giving up
	 * @return the record and its slot, or {@code null} if no read found a valid one
	 */
	static SlottedFile.@Nullable Read newest(ByteBuffer mapping, SessionRecord current, int attempts) {
		Long claimed = claimedVersion(mapping);
		if (claimed != null && claimed == current.version()) {
			return new SlottedFile.Read(current, claimedNewestSlot(mapping));
		}
		return read(mapping, attempts);
	}

	/**
	 * Decode the newest whole record of a mapping under the record lock, where no process that
	 * follows the locking writes it: read again a few times if a slot is caught half-written by
	 * one that does not.
	 * @param mapping the whole file, mapped
	 * @param attempts how many reads to make before giving up
	 * @return the record and its slot, or {@code null} if no read found a valid one
	 */
	static SlottedFile.@Nullable Read read(ByteBuffer mapping, int attempts) {
		for (int attempt = 1;; attempt++) {
			try {
				return SlottedFile.read(mapping, BinaryRecordFormat.INSTANCE);
			}
			catch (CorruptSessionFileException ex) {
				if (attempt >= attempts) {
					return null;
				}
				Thread.onSpinWait();
			}
		}
	}

}
