package dev.sessionstarter.store.file;

import java.nio.file.Path;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionIds;
import dev.sessionstarter.store.SessionRecord;

/**
 * The reads and writes of a {@link FileSessionStore}'s session files: a find without a lock
 * (through the {@linkplain OpenSessionFiles open file} when there is one), and every change
 * under the session's {@linkplain RecordLocks record lock}.
 */
final class SessionFileAccess {

	private final SessionDirectory directory;

	private final RecordFiles files;

	private final RecordLocks locks;

	private final @Nullable OpenSessionFiles openFiles;

	SessionFileAccess(SessionDirectory directory, RecordFiles files, RecordLocks locks,
			@Nullable OpenSessionFiles openFiles) {
		this.directory = directory;
		this.files = files;
		this.locks = locks;
		this.openFiles = openFiles;
	}

	/**
	 * Find a session.
	 * @param id the session id
	 * @param keepOpen whether a binary file found is kept open for the next finds and saves
	 * @return the record, or {@code null} if there is none (or no such id can have a file)
	 */
	@Nullable SessionRecord find(String id, boolean keepOpen) {
		if (this.openFiles != null) {
			SessionRecord open = this.openFiles.find(id);
			if (open != null) {
				return open;
			}
		}
		Path path = this.directory.file(id);
		if (path == null) {
			return null;
		}
		StoredFile stored;
		try {
			stored = this.files.readUnlocked(id);
		}
		catch (CorruptSessionFileException ex) {
			// Being replaced, or half-written: look again under the lock, and quarantine it only
			// if it is still unreadable
			try (HeldLock lock = this.locks.lock(id)) {
				stored = this.files.read(id);
			}
		}
		if (stored == null) {
			return null;
		}
		if (keepOpen && this.openFiles != null) {
			this.openFiles.open(id, path, stored);
		}
		return stored.record();
	}

	/**
	 * Return the version of a stored session, from the slot headers of a binary file when they
	 * are readable, else from the whole record; see {@link FileSessionStore#version(String)}.
	 * @param id the session id
	 * @return the stored version, or {@code null} if none is stored
	 */
	@Nullable Long version(String id) {
		Path path = this.directory.file(id);
		if (path == null) {
			return null;
		}
		if (this.directory.format() == FileFormat.BINARY) {
			try {
				byte[] bytes = StoredFile.readBytes(path);
				if (bytes == null) {
					return null;
				}
				Long version = StoredFile.claimedVersion(bytes);
				if (version != null) {
					return version;
				}
			}
			catch (CorruptSessionFileException ex) {
				// not a readable session file: find quarantines it
			}
		}
		SessionRecord record = find(id, true);
		return (record != null) ? record.version() : null;
	}

	/**
	 * Apply a change under the record locks of its id (and of the id it renames).
	 * @param change the change
	 * @return the stored result, or {@code null} if the session is gone
	 */
	@Nullable SessionRecord save(SessionChange change) {
		String id = SessionIds.requireValid(change.id());
		String previousId = change.isRename() ? SessionIds.requireValid(change.previousId()) : null;
		try (HeldLock locks = this.locks.lock(id, previousId)) {
			if (this.openFiles != null && !change.isCreate() && previousId == null) {
				SessionRecord saved = this.openFiles.save(change, this.files.index(), this.files.fsync());
				if (saved != null) {
					return saved;
				}
			}
			if (previousId != null) {
				closeOpenFile(previousId);
			}
			return this.files.apply(change);
		}
	}

	/**
	 * Apply a change through a mapped file, in place when it fits.
	 */
	@Nullable SessionRecord save(MappedSessionFile file, SessionChange change, SessionRecord current) {
		if (change.isCreate() || change.isRename() || !file.id().equals(change.id())) {
			throw new IllegalArgumentException("A mapped session file only takes changes to its own session");
		}
		try (HeldLock lock = this.locks.lock(change.id())) {
			return this.files.apply(file, change, current);
		}
	}

	/**
	 * Delete a session's file.
	 * @param id the session id
	 * @return the record it held, or {@code null} if there was none
	 */
	@Nullable SessionRecord delete(String id) {
		if (this.directory.file(id) == null) {
			return null;
		}
		try (HeldLock lock = this.locks.lock(id)) {
			closeOpenFile(id);
			StoredFile stored = this.files.read(id);
			if (stored != null) {
				this.files.remove(id, stored);
			}
			return (stored != null) ? stored.record() : null;
		}
	}

	/**
	 * Delete a session's file if its record has expired at {@code now}.
	 * @param id the session id
	 * @param now the current time
	 * @return the expired record deleted, or {@code null} if none was
	 */
	@Nullable SessionRecord deleteIfExpired(String id, Instant now) {
		if (this.directory.file(id) == null) {
			return null;
		}
		try (HeldLock lock = this.locks.lock(id)) {
			StoredFile stored = this.files.read(id);
			if (stored == null || !stored.record().isExpired(now)) {
				return null;
			}
			closeOpenFile(id);
			this.files.remove(id, stored);
			return stored.record();
		}
	}

	private void closeOpenFile(String id) {
		if (this.openFiles != null) {
			this.openFiles.close(id);
		}
	}

}
