package dev.sessionstarter.store.file;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.store.AbstractSessionStore;
import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionHandle;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreUsage;

/**
 * A {@link SessionStore} that keeps each session in its own file, {@code <dir>/<id>.session}
 * ({@link FileFormat#BINARY}) or {@code <dir>/<id>.json} ({@link FileFormat#JSON}), so sessions
 * survive a restart and several JVMs on one host can share the directory.
 *
 * <p>Every change is applied under the session's {@linkplain RecordLocks record lock}, an
 * OS-level lock (see {@link LockTable}): the store reads the file, merges the change with
 * {@link SessionRecord#apply}, and has the {@link SessionFileWriter} write the result (into the
 * free {@linkplain SlottedFile slot} of a binary file, or as a new file renamed over the old
 * one), so two JVMs that change different attributes of one session both keep theirs and a
 * reader sees the old or the new session, never part of one. Reads take no lock. The binary
 * files of the sessions in use are kept mapped ({@link OpenSessionFiles}), so that finding or
 * saving one again costs a look at its path instead of an open, a read and a decode. A file a
 * killed writer left marked gone is repaired by {@link CrashRecovery}; a file that cannot be
 * parsed (empty, truncated, damaged) goes to the {@link Quarantine} and the session is treated
 * as absent. A memoized cache can keep binary files {@linkplain #open(String) mapped} while it
 * caches their sessions.
 *
 * <p>Ids are checked by {@link SessionDirectory}, so no id can name another file. The
 * principal-name index is kept on disk (see {@link PrincipalIndex}), so it holds across
 * restarts and JVMs. The directory and every file are created readable by the owner only where
 * the file system has POSIX permissions. Expired sessions are reported to the
 * {@link dev.sessionstarter.store.RemovalListener} after their record lock is released.
 *
 * <p>This store does not bound its size and does not lock requests: see
 * {@link FileSessionLockManager}.
 */
public final class FileSessionStore extends AbstractSessionStore implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(FileSessionStore.class);

	private final SessionDirectory directory;

	private final RecordFiles files;

	private final LockTable lockTable;

	private final SessionFileMappings mappings;

	private final @Nullable OpenSessionFiles openFiles;

	private final SessionFileAccess access;

	private final DirectoryUpkeep upkeep;

	/**
	 * Create a store, creating its directory (owner-only) if needed.
	 * @param dir the directory
	 * @param format the file format
	 * @param fsync whether every write is forced to the disk before the save returns
	 * @throws UncheckedIOException if the directory cannot be created or used
	 */
	public FileSessionStore(Path dir, FileFormat format, boolean fsync) {
		this(dir, format, fsync, SessionFileMappings.MAX_MAPPINGS);
	}

	/**
	 * Create a store that maps at most a given number of files (tests: otherwise
	 * {@value SessionFileMappings#MAX_MAPPINGS}).
	 */
	FileSessionStore(Path dir, FileFormat format, boolean fsync, int maxMappings) {
		Assert.notNull(dir, "'dir' must not be null");
		Assert.notNull(format, "'format' must not be null");
		this.mappings = new SessionFileMappings(maxMappings);
		this.directory = new SessionDirectory(dir, format);
		this.files = new RecordFiles(this.directory, fsync, logger);
		this.lockTable = LockTable.open(this.directory.path());
		RecordLocks locks = new RecordLocks(this.lockTable);
		this.openFiles = (format == FileFormat.BINARY)
				? new OpenSessionFiles(this, OpenSessionFiles.MAX_OPEN, this.lockTable::requestScope) : null;
		this.access = new SessionFileAccess(this.directory, this.files, locks, this.openFiles);
		this.upkeep = new DirectoryUpkeep(this.directory, this.files, locks, this.lockTable, logger);
	}

	@Override
	public String type() {
		return "file";
	}

	/**
	 * Files may have been written by another process or an earlier version of the application.
	 * @return {@code true}
	 */
	@Override
	public boolean decodesOnLoad() {
		return true;
	}

	/**
	 * Open the cache locks of this directory, in a lock file apart from the request locks (see
	 * {@link FileSessionLockManager#forCache(Path)}).
	 * @return a new lock manager
	 */
	@Override
	public FileSessionLockManager openCacheLocks() {
		return FileSessionLockManager.forCache(getDirectory());
	}

	/**
	 * Return the directory the sessions are in.
	 * @return the directory, as a real path
	 */
	public Path getDirectory() {
		return this.directory.path();
	}

	/**
	 * Return the file format.
	 * @return the format
	 */
	public FileFormat getFormat() {
		return this.directory.format();
	}

	/**
	 * Find a session; a binary file found is kept {@linkplain OpenSessionFiles open} for the
	 * next finds and saves of the session.
	 */
	@Override
	public @Nullable SessionRecord find(String id) {
		return this.access.find(id, true);
	}

	/**
	 * Return the version of a stored session. In the binary format it is read from the slot
	 * headers, without decoding or checking a record (a record being written already names its
	 * version); in the json format, or when the headers are not readable, the whole record is
	 * read. A memoized cache that keeps the file {@linkplain #open(String) mapped} checks its
	 * copy without even reading the file.
	 * @param id the session id
	 * @return the stored version, or {@code null} if none is stored
	 */
	@Override
	public @Nullable Long version(String id) {
		return this.access.version(id);
	}

	/**
	 * Map a binary session file for a cache that holds the session; see {@link SessionHandle}.
	 * From the first call on, the store keeps no file {@linkplain OpenSessionFiles open} of its
	 * own: the cache finds its sessions without the store.
	 * @param id the session id
	 * @return the mapped file, or {@code null} in the json format, if the session has no file,
	 * or when {@value SessionFileMappings#MAX_MAPPINGS} files are mapped already
	 */
	@Override
	public @Nullable SessionHandle open(String id) {
		Path path = path(id);
		if (getFormat() != FileFormat.BINARY || path == null) {
			return null;
		}
		return this.mappings.openForCache(this, id, path, this.openFiles);
	}

	/**
	 * Count a mapping made or released by {@link MappedSessionFile}: {@link SessionFileMappings#mapped}.
	 */
	void mapped(int delta) {
		this.mappings.mapped(delta);
	}

	/**
	 * Whether one more file may be mapped: {@link SessionFileMappings#canMap()}.
	 */
	boolean canMap() {
		return this.mappings.canMap();
	}

	/**
	 * Return how many session files are mapped now; see {@link SessionFileMappings}.
	 * @return the number
	 */
	int mappings() {
		return this.mappings.count();
	}

	@Override
	public @Nullable SessionRecord save(SessionChange change) {
		return this.access.save(change);
	}

	/**
	 * Apply a change through a mapped file, in place when it fits: {@link SessionHandle#save}.
	 */
	@Nullable SessionRecord save(MappedSessionFile file, SessionChange change, SessionRecord current) {
		return this.access.save(file, change, current);
	}

	@Override
	public @Nullable SessionRecord delete(String id) {
		return this.access.delete(id);
	}

	@Override
	public boolean deleteIfExpired(String id, Instant now) {
		SessionRecord expired = this.access.deleteIfExpired(id, now);
		if (expired != null) {
			removed(expired, RemovalCause.EXPIRED);
		}
		return expired != null;
	}

	@Override
	protected Collection<String> indexedIds(String principalName) {
		return this.files.index().ids(principalName);
	}

	/**
	 * Remove every session whose stored expiry has passed at {@code now} (the file's time plays
	 * no part), reporting each to the {@link dev.sessionstarter.store.RemovalListener}; on the
	 * way, quarantine unreadable files, delete temporary files a killed writer left behind, and
	 * drop index entries whose session is gone. Session files are read before any temporary
	 * file is deleted, so that a file a killed writer left marked gone is first completed from
	 * its temporary file, however old that is. An entry that fails is logged and skipped: the
	 * purge goes on to the end. A directory deleted meanwhile is created again.
	 * @param now the current time
	 * @return the number of expired sessions removed
	 */
	@Override
	public int purgeExpired(Instant now) {
		return this.upkeep.purge(now, this.access, this::deleteIfExpired);
	}

	/**
	 * Check that the store can work now: its directory exists and is a writable directory, and
	 * its lock file is still the file at its path. Reads the file system only; a directory that
	 * was deleted is created again by the next write or purge, not by this check.
	 * @throws IllegalStateException naming what is wrong
	 */
	public void checkDirectory() {
		this.upkeep.check();
	}

	@Override
	public StoreUsage usage() {
		return this.directory.usage();
	}

	/**
	 * Return how many unreadable session files this store has moved to the quarantine folder.
	 * @return the number since this store was created
	 */
	@Override
	public long quarantined() {
		return this.files.quarantine().count();
	}

	/**
	 * Give up the files the store keeps open, keeping none from now on, and release this store's
	 * reference to the directory's lock file.
	 */
	@Override
	public void close() {
		if (this.openFiles != null) {
			this.openFiles.stop();
		}
		this.lockTable.close();
	}

	/**
	 * Return the file of a session; see {@link SessionDirectory#file(String)}.
	 */
	@Nullable Path path(@Nullable String id) {
		return this.directory.file(id);
	}

}
