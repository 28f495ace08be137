package dev.sessionstarter.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.RemovalListener;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionHandle;
import dev.sessionstarter.store.SessionIds;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreUsage;

/**
 * A {@link SessionStore} that keeps each session in its own file, {@code <dir>/<id>.session}
 * ({@link FileFormat#BINARY}) or {@code <dir>/<id>.json} ({@link FileFormat#JSON}), so sessions
 * survive a restart and several JVMs on one host can share the directory.
 *
 * <p>Every change is applied under the session's record lock, an OS-level lock (see
 * {@link LockTable}): the store reads the file, merges the change with
 * {@link SessionRecord#apply}, and writes the result, so two JVMs that change different
 * attributes of one session both keep theirs. A binary file has {@linkplain SlottedFile two
 * slots} and is written in place, into the slot that does not hold the newest record, whose
 * checksum tells readers whether it is whole; a json file, or a binary one whose session
 * outgrew its slots, is written to a temporary file in the same directory that is then renamed
 * over the old one. Either way a reader sees the old or the new session, never part of one,
 * and writes are optionally forced to disk. Reads take no lock. A memoized cache can keep
 * binary files {@linkplain #open(String) mapped} while it caches their sessions.
 *
 * <p>A file that cannot be parsed (empty, truncated, damaged) is moved to
 * {@code <dir>/.quarantine/}, logged once and counted, and the session is treated as absent.
 * Ids are checked by {@link SessionIds} and the resolved path must be directly inside the
 * directory, so no id can name another file. The principal-name index is kept on disk (see
 * {@link PrincipalIndex}), so it holds across restarts and JVMs. The
 * directory and every file are created readable by the owner only where the file system has
 * POSIX permissions.
 *
 * <p>This store does not bound its size and does not lock requests: see
 * {@link FileSessionLockManager}.
 */
public final class FileSessionStore implements SessionStore, AutoCloseable {

	private static final Log logger = LogFactory.getLog(FileSessionStore.class);

	static final String TEMP_PREFIX = ".tmp-";

	static final String QUARANTINE_DIR = ".quarantine";

	private static final Duration STALE_TEMP_AGE = Duration.ofMinutes(10);

	private static final long RECORD_LOCK_TIMEOUT_NANOS = Duration.ofSeconds(30).toNanos();

	/**
	 * The most session files one store keeps {@linkplain #open(String) mapped} at once: the
	 * operating system limits the mappings of a process (65,530 by default on Linux).
	 */
	static final int MAX_MAPPINGS = 16_384;

	/**
	 * How often a record lock holder reads a file again before it calls it unreadable: a read
	 * without the lock (or a read-only check of a file being changed by a process that does not
	 * follow the locking, such as a restore from a backup) may catch a slot half-written.
	 */
	private static final int UNREADABLE_ATTEMPTS = 3;

	private final Path dir;

	private final FileFormat format;

	private final RecordFormat recordFormat;

	private final boolean fsync;

	private final LockTable locks;

	private final PrincipalIndex index;

	private final LongAdder quarantined = new LongAdder();

	private final AtomicInteger mappings = new AtomicInteger();

	private volatile RemovalListener removalListener = RemovalListener.NONE;

	/**
	 * Create a store, creating its directory (owner-only) if needed.
	 * @param dir the directory
	 * @param format the file format
	 * @param fsync whether every write is forced to the disk before the save returns
	 * @throws UncheckedIOException if the directory cannot be created or used
	 */
	public FileSessionStore(Path dir, FileFormat format, boolean fsync) {
		Assert.notNull(dir, "'dir' must not be null");
		Assert.notNull(format, "'format' must not be null");
		this.dir = FileOperations.createDirectory(dir.toAbsolutePath().normalize());
		this.format = format;
		this.recordFormat = RecordFormat.of(format);
		this.fsync = fsync;
		this.locks = LockTable.open(this.dir);
		this.index = new PrincipalIndex(this.dir);
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
		return FileSessionLockManager.forCache(this.dir);
	}

	/**
	 * Return the directory the sessions are in.
	 * @return the directory, as a real path
	 */
	public Path getDirectory() {
		return this.dir;
	}

	/**
	 * Return the file format.
	 * @return the format
	 */
	public FileFormat getFormat() {
		return this.format;
	}

	@Override
	public @Nullable SessionRecord find(String id) {
		Path path = path(id);
		if (path == null) {
			return null;
		}
		try {
			Stored stored = readFile(id, path);
			return (stored != null) ? stored.record() : null;
		}
		catch (CorruptSessionFileException ex) {
			// Being replaced, or half-written: look again under the lock, and quarantine it only
			// if it is still unreadable
			try (LockTable.Held lock = lock(id)) {
				Stored stored = read(id);
				return (stored != null) ? stored.record() : null;
			}
		}
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
		if (this.format != FileFormat.BINARY) {
			return SessionStore.super.version(id);
		}
		Path path = path(id);
		if (path == null) {
			return null;
		}
		byte[] bytes = readBytes(path);
		if (bytes == null) {
			return null;
		}
		ByteBuffer file = ByteBuffer.wrap(bytes);
		Long version = SlottedFile.isSlotted(file) ? SlottedFile.claimedVersion(file)
				: BinaryRecordFormat.version(file);
		return (version != null) ? version : SessionStore.super.version(id);
	}

	/**
	 * Map a binary session file for a cache that holds the session; see {@link SessionHandle}.
	 * @param id the session id
	 * @return the mapped file, or {@code null} in the json format, if the session has no file,
	 * or when {@value #MAX_MAPPINGS} files are mapped already
	 */
	@Override
	public @Nullable SessionHandle open(String id) {
		Path path = path(id);
		if (this.format != FileFormat.BINARY || path == null || this.mappings.get() >= MAX_MAPPINGS) {
			return null;
		}
		try {
			return MappedSessionFile.open(this, id, path);
		}
		catch (UncheckedIOException ex) {
			// out of mappings, say: the session is served without one
			logger.debug("Cannot map session file " + path, ex);
			return null;
		}
	}

	/**
	 * Count mappings made and released by {@link MappedSessionFile}.
	 */
	void mapped(int delta) {
		this.mappings.addAndGet(delta);
	}

	/**
	 * Return how many session files are mapped now.
	 * @return the number of open {@link MappedSessionFile}s with a mapping
	 */
	int mappings() {
		return this.mappings.get();
	}

	@Override
	public @Nullable SessionRecord save(SessionChange change) {
		String id = SessionIds.requireValid(change.id());
		String previousId = change.isRename() ? SessionIds.requireValid(change.previousId()) : null;
		try (LockTable.Held first = lock(first(id, previousId)); LockTable.Held second = lockSecond(id, previousId)) {
			return saveLocked(change);
		}
	}

	/**
	 * Apply a change through a mapped file: {@link SessionHandle#save}.
	 */
	@Nullable SessionRecord save(MappedSessionFile file, SessionChange change, SessionRecord current) {
		if (change.isCreate() || change.isRename() || !file.id().equals(change.id())) {
			throw new IllegalArgumentException("A mapped session file only takes changes to its own session");
		}
		try (LockTable.Held lock = lock(change.id())) {
			ByteBuffer mapping = file.current();
			if (mapping == null) {
				return saveLocked(change);
			}
			Long claimed = SlottedFile.claimedVersion(mapping);
			SessionRecord base;
			int newest;
			if (claimed != null && claimed == current.version()) {
				// what the caller holds is what is stored: no need to read it
				base = current;
				newest = SlottedFile.claimedNewestSlot(mapping);
			}
			else {
				SlottedFile.Read read = readMapped(mapping);
				if (read == null) {
					return saveLocked(change);
				}
				base = read.record();
				newest = read.slot();
			}
			return writeMapped(file, mapping, newest, base, change);
		}
	}

	/**
	 * Apply a change to a base and copy the result into a mapped file, in place, under the
	 * record lock; when it does not fit the file's slots, save it the plain way instead, which
	 * replaces the file with a larger one.
	 */
	private @Nullable SessionRecord writeMapped(MappedSessionFile file, ByteBuffer mapping, int newest,
			SessionRecord base, SessionChange change) {
		SessionRecord record = SessionRecord.apply(base, change);
		byte[] encoded = BinaryRecordFormat.INSTANCE.encode(record);
		if (SlottedFile.fits(mapping, encoded.length)) {
			reindex(base, record, () -> file.write(mapping, newest, encoded, this.fsync));
			return record;
		}
		file.invalidate();
		return saveLocked(change);
	}

	/**
	 * Read, merge and write a change, holding the record locks of its id (and of the id it
	 * renames): the file of a renamed session is written anew and the old one is deleted.
	 */
	private @Nullable SessionRecord saveLocked(SessionChange change) {
		String previousId = change.isRename() ? change.previousId() : null;
		Stored base = read((previousId != null) ? previousId : change.id());
		if (base == null && !change.isCreate()) {
			return null;
		}
		SessionRecord record = SessionRecord.apply((base != null) ? base.record() : null, change);
		boolean renamed = previousId != null && base != null;
		reindex(base, record, () -> write(record, renamed ? null : base));
		if (previousId != null) {
			Path previous = Objects.requireNonNull(path(previousId));
			if (renamed) {
				markGone(previous, base);
			}
			FileOperations.delete(previous);
		}
		return record;
	}

	private SlottedFile.@Nullable Read readMapped(ByteBuffer mapping) {
		for (int attempt = 1;; attempt++) {
			try {
				return SlottedFile.read(mapping, BinaryRecordFormat.INSTANCE);
			}
			catch (CorruptSessionFileException ex) {
				if (attempt >= UNREADABLE_ATTEMPTS) {
					return null;
				}
				Thread.onSpinWait();
			}
		}
	}

	/**
	 * Index a record under its principal before it is written, and drop the base's entry after,
	 * when the principal or the id changed; an index may name too many sessions, never too few.
	 */
	private void reindex(@Nullable Stored base, SessionRecord record, Runnable write) {
		reindex((base != null) ? base.record() : null, record, write);
	}

	private void reindex(@Nullable SessionRecord base, SessionRecord record, Runnable write) {
		boolean reindex = base == null || !base.id().equals(record.id())
				|| !Objects.equals(base.principalName(), record.principalName());
		if (reindex) {
			this.index.add(record);
		}
		write.run();
		if (reindex && base != null) {
			this.index.remove(base);
		}
	}

	@Override
	public @Nullable SessionRecord delete(String id) {
		if (path(id) == null) {
			return null;
		}
		try (LockTable.Held lock = lock(id)) {
			Stored stored = read(id);
			if (stored == null) {
				return null;
			}
			remove(id, stored);
			return stored.record();
		}
	}

	@Override
	public boolean deleteIfExpired(String id, Instant now) {
		if (path(id) == null) {
			return false;
		}
		SessionRecord record;
		try (LockTable.Held lock = lock(id)) {
			Stored stored = read(id);
			if (stored == null || !stored.record().isExpired(now)) {
				return false;
			}
			record = stored.record();
			remove(id, stored);
		}
		this.removalListener.removed(record, RemovalCause.EXPIRED);
		return true;
	}

	@Override
	public Collection<SessionRecord> findByPrincipalName(String principalName) {
		List<SessionRecord> records = new ArrayList<>();
		for (String id : this.index.ids(principalName)) {
			SessionRecord record = find(id);
			if (record != null && principalName.equals(record.principalName())) {
				records.add(record);
			}
		}
		return records;
	}

	/**
	 * Remove every session whose stored expiry has passed at {@code now} (the file's time plays
	 * no part), reporting each to the {@link RemovalListener}; on the way, quarantine unreadable
	 * files, delete temporary files a killed writer left behind, and drop index entries whose
	 * session is gone. Session files are read before any temporary file is deleted, so that a
	 * file a killed writer left marked gone is first completed from its temporary file, however
	 * old that is.
	 * @param now the current time
	 * @return the number of expired sessions removed
	 */
	@Override
	public int purgeExpired(Instant now) {
		int removed = 0;
		List<Path> temporaryFiles = new ArrayList<>();
		for (Path path : FileOperations.list(this.dir)) {
			String name = path.getFileName().toString();
			if (name.startsWith(TEMP_PREFIX)) {
				temporaryFiles.add(path);
				continue;
			}
			String id = idOf(name);
			if (id != null) {
				SessionRecord record = find(id);
				if (record != null && record.isExpired(now) && deleteIfExpired(id, now)) {
					removed++;
				}
			}
		}
		temporaryFiles.forEach(this::deleteIfStale);
		this.index.clean((id) -> Files.exists(Objects.requireNonNull(path(id))), this::lock);
		return removed;
	}

	@Override
	public StoreUsage usage() {
		long sessions = 0;
		long bytes = 0;
		for (Path path : FileOperations.list(this.dir)) {
			if (idOf(path.getFileName().toString()) != null) {
				try {
					bytes += Files.readAttributes(path, BasicFileAttributes.class).size();
					sessions++;
				}
				catch (IOException ex) {
					// Removed while listing
				}
			}
		}
		return new StoreUsage(sessions, bytes, -1);
	}

	/**
	 * Return how many unreadable session files this store has moved to the quarantine folder.
	 * @return the number since this store was created
	 */
	@Override
	public long quarantined() {
		return this.quarantined.sum();
	}

	@Override
	public void setRemovalListener(RemovalListener listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.removalListener = listener;
	}

	/**
	 * Release this store's reference to the directory's lock file.
	 */
	@Override
	public void close() {
		this.locks.close();
	}

	/**
	 * Return the file of a session, or {@code null} if the id is not acceptable or would
	 * resolve to a path that is not directly inside the directory.
	 */
	@Nullable Path path(@Nullable String id) {
		if (!SessionIds.isValid(id)) {
			return null;
		}
		Path path = this.dir.resolve(id + this.format.extension()).normalize();
		return this.dir.equals(path.getParent()) ? path : null;
	}

	private @Nullable String idOf(String fileName) {
		String extension = this.format.extension();
		if (!fileName.endsWith(extension)) {
			return null;
		}
		String id = fileName.substring(0, fileName.length() - extension.length());
		return SessionIds.isValid(id) ? id : null;
	}

	private LockTable.Held lock(String id) {
		try {
			LockTable.Held lock = this.locks.acquire(id, LockTable.Kind.RECORD, RECORD_LOCK_TIMEOUT_NANOS);
			if (lock == null) {
				throw new IllegalStateException("Timed out waiting for the lock of session file " + path(id));
			}
			return lock;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted waiting for the lock of session file " + path(id), ex);
		}
	}

	/**
	 * Of a change's two ids, the one to lock first: locks are always taken in slot order, so two
	 * renames cannot wait for each other.
	 */
	private static String first(String id, @Nullable String previousId) {
		return (previousId != null && LockTable.slot(previousId) < LockTable.slot(id)) ? previousId : id;
	}

	private LockTable.@Nullable Held lockSecond(String id, @Nullable String previousId) {
		if (previousId == null || LockTable.slot(previousId) == LockTable.slot(id)) {
			return null;
		}
		return lock(first(id, previousId).equals(id) ? previousId : id);
	}

	/**
	 * Read a session file under its record lock, quarantining it if it cannot be parsed. A file
	 * marked gone is one whose writer died between marking and replacing or deleting it: the
	 * replacement is completed from the writer's temporary file when one holds a whole newer
	 * record of the session; otherwise the file is restored as it was before the marks (the
	 * save or delete never completed), and deleted only if it holds no whole record.
	 */
	private @Nullable Stored read(String id) {
		Path path = Objects.requireNonNull(path(id));
		for (int attempt = 1;; attempt++) {
			try {
				return readFile(id, path);
			}
			catch (GoneException ex) {
				ByteBuffer unmarked = SlottedFile.unmarked(ex.file);
				SlottedFile.Read before = readUnmarked(unmarked);
				Stored replacement = completeReplacement(id, path, (before != null) ? before.record().version() : 0);
				if (replacement != null) {
					return replacement;
				}
				Stored restored = (before != null) ? restoreGone(id, path, unmarked, before) : null;
				if (restored == null) {
					FileOperations.delete(path);
				}
				return restored;
			}
			catch (CorruptSessionFileException ex) {
				if (attempt >= UNREADABLE_ATTEMPTS) {
					quarantine(path, ex.getMessage());
					return null;
				}
				Thread.onSpinWait();
			}
		}
	}

	/**
	 * Read and decode a session file, with or without its record lock.
	 * @return what the file holds, or {@code null} if there is no file
	 * @throws CorruptSessionFileException if the file cannot be parsed or holds another session
	 * (a {@link GoneException} if it is marked gone)
	 */
	private @Nullable Stored readFile(String id, Path path) throws CorruptSessionFileException {
		byte[] bytes = readBytes(path);
		if (bytes == null) {
			return null;
		}
		Stored stored;
		ByteBuffer file = ByteBuffer.wrap(bytes);
		if (this.format == FileFormat.BINARY && SlottedFile.isSlotted(file)) {
			SlottedFile.Read read = SlottedFile.read(file, BinaryRecordFormat.INSTANCE);
			if (read == null) {
				throw new GoneException(file);
			}
			stored = new Stored(read.record(), file, read.slot());
		}
		else {
			stored = new Stored(this.recordFormat.decode(bytes), null, 0);
		}
		if (!stored.record().id().equals(id)) {
			throw new CorruptSessionFileException("it holds session " + stored.record().id());
		}
		return stored;
	}

	/**
	 * Complete the replacement of a file marked gone whose writer died before renaming its
	 * temporary file over it: of the session's temporary files, the one that holds the whole
	 * record of the highest version (newer than the gone file's) is renamed into place. Called
	 * under the record lock, so no live writer is still writing any of them.
	 * @param goneVersion the highest version the file marked gone still holds whole, or 0
	 * @return what the file holds now, or {@code null} if no temporary file holds a newer record
	 */
	private @Nullable Stored completeReplacement(String id, Path path, long goneVersion) {
		String prefix = TEMP_PREFIX + id + "-";
		Path newest = null;
		Stored newestStored = null;
		for (Path temp : FileOperations.list(this.dir)) {
			String name = temp.getFileName().toString();
			if (!name.startsWith(prefix) || !isHex(name.substring(prefix.length()))) {
				continue;
			}
			Stored stored;
			try {
				stored = readFile(id, temp);
			}
			catch (CorruptSessionFileException ex) {
				// torn by a writer killed while writing it: the purge deletes it
				continue;
			}
			if (stored != null && stored.slotted() != null && stored.record().version() > goneVersion
					&& (newestStored == null || stored.record().version() > newestStored.record().version())) {
				newest = temp;
				newestStored = stored;
			}
		}
		if (newest == null) {
			return null;
		}
		try {
			Files.move(newest, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot complete the replacement of session file " + path, ex);
		}
		logger.warn("Session file " + path.getFileName() + " was left marked replaced by a writer that died; "
				+ "completed the replacement from " + newest.getFileName());
		return newestStored;
	}

	/**
	 * Undo the gone marks of a file whose writer died before replacing or deleting it, under the
	 * record lock: the file is written back in place as it was before the marks.
	 * @param unmarked the file's content with its marks undone (see {@link SlottedFile#unmarked})
	 * @param read the newest whole record of that content
	 * @return what the file holds, or {@code null} if it holds another session
	 */
	private @Nullable Stored restoreGone(String id, Path path, ByteBuffer unmarked, SlottedFile.Read read) {
		if (!read.record().id().equals(id)) {
			return null;
		}
		try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
			writeAt(channel, unmarked.duplicate().clear(), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot restore session file " + path, ex);
		}
		logger.warn("Session file " + path.getFileName() + " was left marked replaced or deleted by a writer that "
				+ "died; restored it as it was");
		return new Stored(read.record(), unmarked, read.slot());
	}

	private static SlottedFile.@Nullable Read readUnmarked(ByteBuffer unmarked) {
		try {
			return SlottedFile.read(unmarked, BinaryRecordFormat.INSTANCE);
		}
		catch (CorruptSessionFileException ex) {
			return null;
		}
	}

	private static boolean isHex(String text) {
		return !text.isEmpty() && text.chars().allMatch((c) -> Character.digit(c, 16) >= 0);
	}

	private static byte @Nullable [] readBytes(Path path) {
		try {
			return Files.readAllBytes(path);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read session file " + path, ex);
		}
	}

	private void quarantine(Path path, @Nullable String reason) {
		Path quarantine = this.dir.resolve(QUARANTINE_DIR);
		Path target = quarantine.resolve(path.getFileName() + "." + System.currentTimeMillis() + "-"
				+ Integer.toHexString(ThreadLocalRandom.current().nextInt()));
		try {
			if (!Files.isDirectory(quarantine)) {
				Files.createDirectories(quarantine, FileAttributes.ownerOnlyDirectory(quarantine));
			}
			Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (NoSuchFileException ex) {
			return;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot move unreadable session file " + path + " to " + quarantine, ex);
		}
		this.quarantined.increment();
		logger.warn("Session file " + path.getFileName() + " is unreadable (" + reason + "); moved it to " + target
				+ " and the session is treated as absent");
	}

	/**
	 * Write a record under its record lock: in place into the other slot of the binary file
	 * that holds {@code base} when it fits, otherwise a new file.
	 * @param base what the session's file holds now, or {@code null} if it has no file
	 */
	private void write(SessionRecord record, @Nullable Stored base) {
		if (this.format != FileFormat.BINARY) {
			writeNewFile(record, this.recordFormat.encode(record), base);
			return;
		}
		byte[] encoded = BinaryRecordFormat.INSTANCE.encode(record);
		ByteBuffer file = (base != null) ? base.slotted() : null;
		if (file != null && SlottedFile.fits(file, encoded.length)) {
			writeInPlace(record.id(), file, 1 - base.slot(), encoded);
		}
		else {
			writeNewFile(record, SlottedFile.create(encoded).array(), base);
		}
	}

	private void writeInPlace(String id, ByteBuffer file, int slot, byte[] encoded) {
		Path path = Objects.requireNonNull(path(id));
		try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
			writeAt(channel, SlottedFile.slotContent(encoded), (long) slot * SlottedFile.capacity(file));
			if (this.fsync) {
				channel.force(false);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write session file " + path, ex);
		}
	}

	/**
	 * Write all of a buffer's remaining bytes at a position of a file.
	 */
	private static void writeAt(FileChannel channel, ByteBuffer content, long position) throws IOException {
		while (content.hasRemaining()) {
			position += channel.write(content, position);
		}
	}

	/**
	 * Write a whole new file for a record: to a temporary file that is renamed over the old one,
	 * which is marked gone first if it is a slotted binary file.
	 * @param base what the session's file holds now, or {@code null} if it has no file
	 */
	private void writeNewFile(SessionRecord record, byte[] content, @Nullable Stored base) {
		Path target = Objects.requireNonNull(path(record.id()));
		Path temp = this.dir.resolve(TEMP_PREFIX + record.id() + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
		try {
			try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
					StandardOpenOption.WRITE), FileAttributes.ownerOnlyFile(temp))) {
				writeAt(channel, ByteBuffer.wrap(content), 0);
				if (this.fsync) {
					channel.force(true);
				}
			}
			if (base != null) {
				markGone(target, base);
			}
			Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			if (this.fsync) {
				forceDirectory();
			}
		}
		catch (IOException ex) {
			FileOperations.deleteQuietly(temp);
			throw new UncheckedIOException("Cannot write session file " + target, ex);
		}
	}

	/**
	 * Mark a slotted binary file gone, before it is deleted or replaced, so a process that has
	 * it mapped looks at the path again.
	 */
	private static void markGone(Path path, Stored stored) {
		ByteBuffer file = stored.slotted();
		if (file == null) {
			return;
		}
		try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
			ByteBuffer gone = ByteBuffer.allocate(4).putInt(0, SlottedFile.GONE);
			for (int slot : SlottedFile.goneMarkOrder(stored.slot())) {
				channel.write(gone.clear(), (long) slot * SlottedFile.capacity(file));
			}
		}
		catch (NoSuchFileException ex) {
			// Deleted meanwhile
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot mark session file " + path + " as replaced", ex);
		}
	}

	private void forceDirectory() {
		try (FileChannel channel = FileChannel.open(this.dir, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			// Not every platform can open or force a directory; the file itself was forced
		}
	}

	/**
	 * Delete a session's file and its index entry, under its record lock.
	 */
	private void remove(String id, Stored stored) {
		Path path = Objects.requireNonNull(path(id));
		markGone(path, stored);
		FileOperations.delete(path);
		this.index.remove(stored.record());
	}

	private void deleteIfStale(Path temp) {
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
	 * What a session file holds: its record and, for a slotted binary file, the whole file and
	 * the slot the record is in.
	 */
	private record Stored(SessionRecord record, @Nullable ByteBuffer slotted, int slot) {
	}

	/**
	 * A slotted file marked gone: its writer is replacing or deleting it.
	 */
	private static final class GoneException extends CorruptSessionFileException {

		/**
		 * The file's content as read, marks and all.
		 */
		final transient ByteBuffer file;

		GoneException(ByteBuffer file) {
			super("replaced or deleted meanwhile");
			this.file = file;
		}

	}

}
