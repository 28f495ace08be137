package dev.sessionstarter.store.file;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;

/**
 * A binary session file the store keeps {@linkplain MappedSessionFile mapped} while its session
 * is in use, with the record it last read from the file or wrote to it and that record's bytes.
 * A find whose file still holds exactly those bytes in its newest slot is answered with that
 * record, without a read, a decode or a new record; a save under the record lock writes the new
 * record into the other slot of the mapping. Both are given the path's attributes as read just
 * before, so a file replaced or deleted (by any process, through the store or not) is never
 * read or written through an old mapping.
 *
 * <p>The mapping is read without the record lock while other processes may write it, so what a
 * find decodes is first copied out of it and checked whole (its checksum) on the copy. Every use
 * is serialized on the instance, {@link #close()} included.
 */
final class OpenSessionFile {

	private final MappedSessionFile file;

	private @Nullable SessionRecord record;

	private byte @Nullable [] encoded;

	private int slot;

	private boolean closed;

	/**
	 * The request lock held when the path was last looked at, if one was.
	 */
	private @Nullable Object checkedIn;

	/**
	 * Volatile so that eviction can read it without the instance's lock: set on every use.
	 */
	volatile boolean used = true;

	OpenSessionFile(MappedSessionFile file) {
		this.file = file;
	}

	Path path() {
		return this.file.path();
	}

	/**
	 * Remember the record the file holds in a slot, as read through the path.
	 * @param stored what the file held when it was read, a slotted file
	 */
	synchronized void remember(StoredFile stored) {
		ByteBuffer content = stored.slotted();
		if (content != null) {
			remember(stored.record(), slotRecord(content, stored.slot()), stored.slot());
		}
	}

	/**
	 * Return the newest whole record of the file, read without the record lock.
	 * @param attributes the path's attributes, just read
	 * @param requestScope the request lock the thread holds, or {@code null}
	 * @return the record, or {@code null} if the mapping cannot answer (the file is gone, marked
	 * gone, holds no whole record, or this is closed): read the path
	 */
	synchronized @Nullable SessionRecord find(BasicFileAttributes attributes, @Nullable Object requestScope) {
		this.used = true;
		ByteBuffer mapping = mapping(attributes);
		if (mapping == null) {
			return null;
		}
		this.checkedIn = requestScope;
		if (holdsKnown(mapping)) {
			return this.record;
		}
		ByteBuffer copy = copy(mapping);
		try {
			SlottedFile.Read read = (copy != null) ? SlottedFile.read(copy, BinaryRecordFormat.INSTANCE) : null;
			if (read == null || !read.record().id().equals(this.file.id())) {
				return null;
			}
			remember(read.record(), slotRecord(copy, read.slot()), read.slot());
			return read.record();
		}
		catch (CorruptSessionFileException ex) {
			return null;
		}
	}

	/**
	 * Apply a change in place, under the session's record lock.
	 * @param attributes the path's attributes, read under the record lock, or {@code null} if
	 * the path was looked at under the request lock the thread holds
	 * @param change a change to this session that neither creates nor renames it
	 * @param index the principal index, kept right around the write
	 * @param fsync whether to force the write to the disk
	 * @return the stored result, or {@code null} if it cannot be written through the mapping
	 * (the file is gone or replaced, holds no whole record, or the record does not fit): apply it
	 * through the path
	 */
	synchronized @Nullable SessionRecord save(@Nullable BasicFileAttributes attributes, SessionChange change,
			PrincipalIndex index, boolean fsync) {
		this.used = true;
		ByteBuffer mapping = mapping(attributes);
		if (mapping == null) {
			return null;
		}
		SlottedFile.Read base;
		if (holdsKnown(mapping)) {
			base = new SlottedFile.Read(this.record, this.slot);
		}
		else {
			base = SlotReads.read(mapping, RecordFiles.UNREADABLE_ATTEMPTS);
			if (base == null || !base.record().id().equals(this.file.id())) {
				return null;
			}
		}
		SessionRecord record = SessionRecord.apply(base.record(), change);
		byte[] encoded = BinaryRecordFormat.INSTANCE.encode(record);
		if (!SlottedFile.fits(mapping, encoded.length)) {
			this.file.invalidate();
			return null;
		}
		int target = 1 - base.slot();
		index.reindex(base.record(), record, () -> this.file.write(mapping, base.slot(), encoded, fsync));
		remember(record, encoded, target);
		return record;
	}

	/**
	 * Release the mapping; later uses answer nothing.
	 */
	synchronized void close() {
		this.closed = true;
		this.record = null;
		this.encoded = null;
		this.file.close();
	}

	/**
	 * Whether the path was last looked at under a request lock the thread still holds.
	 * @param requestScope the request lock the thread holds
	 * @return {@code true} if it was looked at under that lock
	 */
	synchronized boolean isCheckedIn(Object requestScope) {
		return this.checkedIn == requestScope;
	}

	private @Nullable ByteBuffer mapping(@Nullable BasicFileAttributes attributes) {
		if (this.closed) {
			return null;
		}
		return (attributes != null) ? this.file.current(attributes) : this.file.current();
	}

	private void remember(SessionRecord record, byte[] encoded, int slot) {
		this.record = record;
		this.encoded = encoded;
		this.slot = slot;
	}

	/**
	 * Whether the newest slot the headers claim holds exactly the remembered record's bytes.
	 */
	private boolean holdsKnown(ByteBuffer mapping) {
		byte[] encoded = this.encoded;
		if (encoded == null || SlotReads.claimedNewestSlot(mapping) != this.slot) {
			return false;
		}
		int offset = this.slot * SlottedFile.capacity(mapping);
		try {
			if (mapping.getInt(offset) != SlottedFile.MAGIC || mapping.getInt(offset + 4) != encoded.length) {
				return false;
			}
			return mapping.slice(offset + SlottedFile.SLOT_HEADER, encoded.length).equals(ByteBuffer.wrap(encoded));
		}
		catch (InternalError ex) {
			// cut short meanwhile (see copy)
			return false;
		}
	}

	/**
	 * Copy the mapping to the heap, or {@code null} if the file was cut short meanwhile (the JDK
	 * reports the fault of a read past its end as an {@link InternalError}).
	 */
	private static @Nullable ByteBuffer copy(ByteBuffer mapping) {
		byte[] copy = new byte[mapping.capacity()];
		try {
			mapping.get(0, copy);
		}
		catch (InternalError ex) {
			return null;
		}
		return ByteBuffer.wrap(copy);
	}

	private static byte[] slotRecord(ByteBuffer content, int slot) {
		int offset = slot * SlottedFile.capacity(content);
		byte[] record = new byte[content.getInt(offset + 4)];
		content.get(offset + SlottedFile.SLOT_HEADER, record);
		return record;
	}

}
