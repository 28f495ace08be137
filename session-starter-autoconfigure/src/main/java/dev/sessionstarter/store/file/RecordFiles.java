package dev.sessionstarter.store.file;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;

/**
 * The session files of a directory as the file store reads and writes them while it holds
 * their {@linkplain RecordLocks record locks}: a read that has {@link CrashRecovery} repair a
 * file left marked gone and moves one that stays unreadable to the {@link Quarantine}; a change
 * read, merged and handed to the {@link SessionFileWriter} with the {@link PrincipalIndex} kept
 * right; a removal with its index entry. Every method but {@link #readUnlocked} expects the
 * caller to hold the record lock of the ids it names.
 */
final class RecordFiles {

	/**
	 * How often a record lock holder reads a file again before it calls it unreadable: a read
	 * without the lock (or a read-only check of a file being changed by a process that does not
	 * follow the locking, such as a restore from a backup) may catch a slot half-written.
	 */
	static final int UNREADABLE_ATTEMPTS = 3;

	private final SessionDirectory directory;

	private final RecordFormat format;

	private final SessionFileWriter writer;

	private final CrashRecovery recovery;

	private final Quarantine quarantine;

	private final PrincipalIndex index;

	private final boolean fsync;

	/**
	 * Use the files of a directory.
	 * @param directory the session directory
	 * @param fsync whether every write is forced to the disk
	 * @param logger where repairs and quarantined files are logged
	 */
	RecordFiles(SessionDirectory directory, boolean fsync, Log logger) {
		this.directory = directory;
		this.fsync = fsync;
		this.format = RecordFormat.of(directory.format());
		this.writer = new SessionFileWriter(directory, fsync);
		this.recovery = new CrashRecovery(directory, this.format, this.writer, logger::warn);
		this.quarantine = new Quarantine(directory, logger::warn);
		this.index = new PrincipalIndex(directory.path());
	}

	SessionFileWriter writer() {
		return this.writer;
	}

	Quarantine quarantine() {
		return this.quarantine;
	}

	PrincipalIndex index() {
		return this.index;
	}

	boolean fsync() {
		return this.fsync;
	}

	/**
	 * Read a session file without its record lock.
	 * @param id a valid session id
	 * @return what it holds, or {@code null} if there is no file
	 * @throws CorruptSessionFileException if it cannot be parsed now (it may be being written)
	 */
	@Nullable StoredFile readUnlocked(String id) throws CorruptSessionFileException {
		return StoredFile.read(file(id), id, this.format);
	}

	/**
	 * Read a session file under its record lock: a file marked gone is repaired, one that stays
	 * unreadable after a few reads is quarantined.
	 * @param id a valid session id
	 * @return what it holds, or {@code null} if the session has no (readable) file
	 */
	@Nullable StoredFile read(String id) {
		Path path = file(id);
		for (int attempt = 1;; attempt++) {
			try {
				return StoredFile.read(path, id, this.format);
			}
			catch (MarkedGoneException ex) {
				return this.recovery.recover(id, path, ex.file);
			}
			catch (CorruptSessionFileException ex) {
				if (attempt >= UNREADABLE_ATTEMPTS) {
					this.quarantine.move(path, ex.getMessage());
					return null;
				}
				Thread.onSpinWait();
			}
		}
	}

	/**
	 * Read, merge and write a change, under the record locks of its id (and of the id it
	 * renames): the file of a renamed session is written anew and the old one is deleted.
	 * @param change the change
	 * @return the stored result, or {@code null} if the change is to a session with no file
	 */
	@Nullable SessionRecord apply(SessionChange change) {
		String previousId = change.isRename() ? change.previousId() : null;
		StoredFile base = read((previousId != null) ? previousId : change.id());
		if (base == null && !change.isCreate()) {
			return null;
		}
		SessionRecord record = SessionRecord.apply((base != null) ? base.record() : null, change);
		boolean renamed = previousId != null && base != null;
		this.index.reindex((base != null) ? base.record() : null, record,
				() -> this.writer.write(record, this.format, renamed ? null : base));
		if (renamed) {
			this.writer.delete(previousId, base);
		}
		else if (previousId != null) {
			this.writer.delete(previousId);
		}
		return record;
	}

	/**
	 * Apply a change through a mapped file, in place, under the record lock; a change that does
	 * not fit the file's slots is {@linkplain #apply applied} the plain way, which replaces the
	 * file with a larger one.
	 * @param file the mapped file of the change's session
	 * @param change a change to that session, neither a create nor a rename
	 * @param current the record the caller holds
	 * @return the stored result, or {@code null} if the session has no file
	 */
	@Nullable SessionRecord apply(MappedSessionFile file, SessionChange change, SessionRecord current) {
		ByteBuffer mapping = file.current();
		SlottedFile.Read base = (mapping != null) ? SlotReads.newest(mapping, current, UNREADABLE_ATTEMPTS) : null;
		if (mapping == null || base == null) {
			return apply(change);
		}
		SessionRecord record = SessionRecord.apply(base.record(), change);
		byte[] encoded = BinaryRecordFormat.INSTANCE.encode(record);
		if (!SlottedFile.fits(mapping, encoded.length)) {
			file.invalidate();
			return apply(change);
		}
		this.index.reindex(base.record(), record, () -> file.write(mapping, base.slot(), encoded, this.fsync));
		return record;
	}

	/**
	 * Delete a session's file and its index entry, under its record lock.
	 * @param id the session id
	 * @param stored what its file holds
	 */
	void remove(String id, StoredFile stored) {
		this.writer.delete(id, stored);
		this.index.remove(stored.record());
	}

	private Path file(String id) {
		return Objects.requireNonNull(this.directory.file(id), "not a valid session id");
	}

}
