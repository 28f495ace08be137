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
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.RemovalListener;
import dev.sessionstarter.store.SessionChange;
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
 * {@link SessionRecord#apply}, and writes the result to a temporary file in the same directory
 * that is then renamed over the old one (optionally forced to disk first). A reader therefore
 * sees the old or the new file, never part of one, and two JVMs that change different
 * attributes of one session both keep theirs. Reads take no lock.
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

	private final Path dir;

	private final FileFormat format;

	private final RecordFormat recordFormat;

	private final boolean fsync;

	private final LockTable locks;

	private final PrincipalIndex index;

	private final LongAdder quarantined = new LongAdder();

	private volatile RemovalListener removalListener = RemovalListener.NONE;

	/**
	 * Create a store, creating its directory (owner-only) if needed.
	 * @param dir the directory
	 * @param format the file format
	 * @param fsync whether every write is forced to the disk before it is renamed into place
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
			return readFile(id, path);
		}
		catch (CorruptSessionFileException ex) {
			// Look again under the lock: quarantine it only if it is still unreadable
			try (LockTable.Held lock = lock(id)) {
				return read(id);
			}
		}
	}

	/**
	 * Return the version of a stored session. In the binary format it is read from the first
	 * {@value BinaryRecordFormat#HEADER_SIZE} bytes of the session file, without reading or
	 * decoding the rest, which makes it the cheap check a memoized cache in validate coherence
	 * asks for on every read; in the json format, or when the header is not readable, the whole
	 * record is read.
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
		ByteBuffer header = ByteBuffer.allocate(BinaryRecordFormat.HEADER_SIZE);
		try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
			while (header.hasRemaining() && channel.read(header) >= 0) {
				// read until the header is complete or the file ends
			}
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read session file " + path, ex);
		}
		Long version = BinaryRecordFormat.version(header.flip());
		return (version != null) ? version : SessionStore.super.version(id);
	}

	@Override
	public @Nullable SessionRecord save(SessionChange change) {
		String id = SessionIds.requireValid(change.id());
		String previousId = change.isRename() ? SessionIds.requireValid(change.previousId()) : null;
		try (LockTable.Held first = lock(first(id, previousId)); LockTable.Held second = lockSecond(id, previousId)) {
			SessionRecord base = read((previousId != null) ? previousId : id);
			if (base == null && !change.isCreate()) {
				return null;
			}
			SessionRecord record = SessionRecord.apply(base, change);
			boolean reindex = base == null || !base.id().equals(record.id())
					|| !Objects.equals(base.principalName(), record.principalName());
			if (reindex) {
				this.index.add(record);
			}
			write(record);
			if (previousId != null) {
				FileOperations.delete(Objects.requireNonNull(path(previousId)));
			}
			if (reindex && base != null) {
				this.index.remove(base);
			}
			return record;
		}
	}

	@Override
	public @Nullable SessionRecord delete(String id) {
		if (path(id) == null) {
			return null;
		}
		try (LockTable.Held lock = lock(id)) {
			SessionRecord record = read(id);
			if (record != null) {
				remove(record);
			}
			return record;
		}
	}

	@Override
	public boolean deleteIfExpired(String id, Instant now) {
		if (path(id) == null) {
			return false;
		}
		SessionRecord record;
		try (LockTable.Held lock = lock(id)) {
			record = read(id);
			if (record == null || !record.isExpired(now)) {
				return false;
			}
			remove(record);
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
	 * session is gone.
	 * @param now the current time
	 * @return the number of expired sessions removed
	 */
	@Override
	public int purgeExpired(Instant now) {
		int removed = 0;
		for (Path path : FileOperations.list(this.dir)) {
			String name = path.getFileName().toString();
			if (name.startsWith(TEMP_PREFIX)) {
				deleteIfStale(path);
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
	 * Read a session file under its record lock, quarantining it if it cannot be parsed.
	 */
	private @Nullable SessionRecord read(String id) {
		Path path = Objects.requireNonNull(path(id));
		try {
			return readFile(id, path);
		}
		catch (CorruptSessionFileException ex) {
			quarantine(path, ex.getMessage());
			return null;
		}
	}

	/**
	 * Read and decode a session file, with or without its record lock.
	 * @return the record, or {@code null} if there is no file
	 * @throws CorruptSessionFileException if the file cannot be parsed or holds another session
	 */
	private @Nullable SessionRecord readFile(String id, Path path) throws CorruptSessionFileException {
		byte[] bytes;
		try {
			bytes = Files.readAllBytes(path);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read session file " + path, ex);
		}
		SessionRecord record = this.recordFormat.decode(bytes);
		if (!record.id().equals(id)) {
			throw new CorruptSessionFileException("it holds session " + record.id());
		}
		return record;
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

	private void write(SessionRecord record) {
		Path target = Objects.requireNonNull(path(record.id()));
		Path temp = this.dir.resolve(TEMP_PREFIX + record.id() + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
		ByteBuffer buffer = ByteBuffer.wrap(this.recordFormat.encode(record));
		try {
			try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
					StandardOpenOption.WRITE), FileAttributes.ownerOnlyFile(temp))) {
				while (buffer.hasRemaining()) {
					channel.write(buffer);
				}
				if (this.fsync) {
					channel.force(true);
				}
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

	private void forceDirectory() {
		try (FileChannel channel = FileChannel.open(this.dir, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			// Not every platform can open or force a directory; the file itself was forced
		}
	}

	private void remove(SessionRecord record) {
		FileOperations.delete(Objects.requireNonNull(path(record.id())));
		this.index.remove(record);
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

}
