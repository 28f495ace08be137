package dev.sessionstarter.store.file;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiPredicate;

import org.apache.commons.logging.Log;

import dev.sessionstarter.store.SessionRecord;

/**
 * The purge and the health check of a {@link FileSessionStore}'s directory.
 */
final class DirectoryUpkeep {

	private final SessionDirectory directory;

	private final RecordFiles files;

	private final RecordLocks locks;

	private final LockTable lockTable;

	private final Log logger;

	DirectoryUpkeep(SessionDirectory directory, RecordFiles files, RecordLocks locks, LockTable lockTable,
			Log logger) {
		this.directory = directory;
		this.files = files;
		this.locks = locks;
		this.lockTable = lockTable;
		this.logger = logger;
	}

	/**
	 * Remove every expired session, as {@link FileSessionStore#purgeExpired(Instant)} says.
	 * @param now the current time
	 * @param access finds a session without keeping its file open
	 * @param deleteIfExpired deletes a session if it has expired at a time, and reports it
	 * @return the number of expired sessions removed
	 */
	int purge(Instant now, SessionFileAccess access, BiPredicate<String, Instant> deleteIfExpired) {
		FileOperations.createDirectory(this.directory.path());
		int removed = 0;
		int failed = 0;
		List<Path> temporaryFiles = new ArrayList<>();
		for (Path path : this.directory.list()) {
			if (SessionDirectory.isTemporary(path)) {
				temporaryFiles.add(path);
				continue;
			}
			String id = this.directory.idOf(path);
			if (id != null) {
				try {
					SessionRecord record = access.find(id, false);
					if (record != null && record.isExpired(now) && deleteIfExpired.test(id, now)) {
						removed++;
					}
				}
				catch (RuntimeException ex) {
					failed++;
					this.logger.warn("Purge skipped " + path + ": " + ex.getMessage(), ex);
				}
			}
		}
		if (failed > 0) {
			this.logger.warn("Purge of " + this.directory.path() + " skipped " + failed
					+ " entries it could not handle");
		}
		temporaryFiles.forEach(this.files.writer()::deleteIfStale);
		this.files.index().clean((id) -> Files.exists(Objects.requireNonNull(this.directory.file(id))),
				this.locks::lock);
		return removed;
	}

	/**
	 * Check the directory, as {@link FileSessionStore#checkDirectory()} says.
	 * @throws IllegalStateException naming what is wrong
	 */
	void check() {
		Path dir = this.directory.path();
		if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
			throw new IllegalStateException("Session directory " + dir + " does not exist (deleted while the "
					+ "application runs?); the store creates it again on its next write or purge");
		}
		if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
			throw new IllegalStateException("Session directory " + dir + " is not a directory");
		}
		if (!Files.isWritable(dir)) {
			throw new IllegalStateException("Session directory " + dir + " is not writable");
		}
		if (!this.lockTable.isCurrent()) {
			throw new IllegalStateException("Lock file " + this.lockTable.path() + " was deleted or replaced; "
					+ "the store locks in the file at its path from its next lock on");
		}
	}

}
