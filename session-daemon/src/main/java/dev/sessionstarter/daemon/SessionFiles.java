package dev.sessionstarter.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionIds;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionTooLargeException;
import dev.sessionstarter.store.file.CorruptSessionFileException;
import dev.sessionstarter.store.file.FileAttributes;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.file.RecordFormat;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * The daemon's storage directory: one file per session, {@code <id>.session} in the file
 * store's binary format ({@link RecordFormat}, with its checksum), owner-only, each written to
 * a temporary file and renamed over the old one, so a file is always whole. Writes happen
 * behind the requests: a change marks its session dirty, and {@link #flush()} (every flush
 * interval, and on a clean stop) writes the dirty sessions as the store holds them then, or
 * deletes the files of those it no longer holds. A file that cannot be read is moved to
 * {@code .quarantine/}, logged and skipped, as the file store does. Sessions are loaded with
 * their stored versions, so copies cached by memoized stores stay valid across a clean restart.
 */
final class SessionFiles {

	private static final String TEMP_PREFIX = ".tmp-";

	private static final String QUARANTINE_DIR = ".quarantine";

	/**
	 * Written by a clean stop after the last flush, removed on start: without it, the last
	 * changes before a crash may be missing from the files.
	 */
	private static final String CLEAN_STOP_MARKER = ".clean-stop";

	/**
	 * Added to the versions of sessions loaded after a crash, so that no copy cached elsewhere
	 * from before the crash (of a change the files missed) can match a later version.
	 */
	static final long CRASH_VERSION_STEP = 1L << 32;

	private final Path dir;

	private final MemorySessionStore store;

	private final RecordFormat format = RecordFormat.of(FileFormat.BINARY);

	private final String extension = FileFormat.BINARY.extension();

	private final Set<String> dirty = ConcurrentHashMap.newKeySet();

	SessionFiles(Path dir, MemorySessionStore store) throws IOException {
		if (!Files.isDirectory(dir)) {
			Files.createDirectories(dir, FileAttributes.ownerOnlyDirectory(dir));
		}
		this.dir = dir;
		this.store = store;
	}

	/**
	 * Mark a session changed, so the next flush writes (or deletes) its file.
	 * @param id the session id
	 */
	void changed(String id) {
		this.dirty.add(id);
	}

	/**
	 * Load every stored session that has not expired into the store, with its version: as
	 * stored after a clean stop, raised by {@link #CRASH_VERSION_STEP} after a crash.
	 * @param now the current time
	 * @return the number loaded
	 * @throws IOException if the directory cannot be listed
	 */
	int load(Instant now) throws IOException {
		Path marker = this.dir.resolve(CLEAN_STOP_MARKER);
		boolean clean = Files.deleteIfExists(marker);
		long versionStep = clean ? 0 : CRASH_VERSION_STEP;
		int loaded = 0;
		try (DirectoryStream<Path> files = Files.newDirectoryStream(this.dir, "*" + this.extension)) {
			for (Path file : files) {
				SessionRecord record = read(file);
				if (record == null) {
					continue;
				}
				if (record.isExpired(now)) {
					Files.deleteIfExists(file);
					continue;
				}
				try {
					this.store.put((versionStep != 0) ? withVersion(record, record.version() + versionStep) : record);
					loaded++;
				}
				catch (SessionTooLargeException ex) {
					SessionDaemon.log("WARN", "Session file " + file.getFileName() + " is larger than --max-size allows ("
							+ ex.getMessage() + "); skipped it");
				}
			}
		}
		return loaded;
	}

	private @Nullable SessionRecord read(Path file) {
		String name = file.getFileName().toString();
		String id = name.substring(0, name.length() - this.extension.length());
		SessionRecord record;
		try {
			record = this.format.decode(Files.readAllBytes(file));
		}
		catch (IOException | CorruptSessionFileException ex) {
			quarantine(file, ex.getMessage());
			return null;
		}
		if (!SessionIds.isValid(id) || !record.id().equals(id)) {
			quarantine(file, "the file name does not match the session id");
			return null;
		}
		return record;
	}

	private void quarantine(Path file, @Nullable String reason) {
		Path quarantine = this.dir.resolve(QUARANTINE_DIR);
		Path target = quarantine.resolve(file.getFileName());
		try {
			if (!Files.isDirectory(quarantine)) {
				Files.createDirectories(quarantine, FileAttributes.ownerOnlyDirectory(quarantine));
			}
			Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
			SessionDaemon.log("WARN", "Session file " + file.getFileName() + " is unreadable (" + reason
					+ "); moved it to " + target + " and skipped it");
		}
		catch (IOException ex) {
			SessionDaemon.log("WARN", "Session file " + file + " is unreadable (" + reason + ") and cannot be moved to "
					+ quarantine + ": " + ex.getMessage() + "; skipped it");
		}
	}

	private static SessionRecord withVersion(SessionRecord record, long version) {
		int count = record.attributeCount();
		String[] names = new String[count];
		byte[][] values = new byte[count][];
		for (int i = 0; i < count; i++) {
			names[i] = record.attributeName(i);
			values[i] = record.attributeValue(i);
		}
		return new SessionRecord(record.id(), record.creationTime(), record.lastAccessedTime(),
				record.maxInactiveMillis(), record.principalName(), names, values, version);
	}

	/**
	 * Write every dirty session, then mark the directory cleanly stopped; called once, when
	 * the daemon stops.
	 * @return the number of files written or deleted
	 */
	synchronized int flushAndMarkClean() {
		int done = flush();
		if (this.dirty.isEmpty()) {
			try {
				Files.write(this.dir.resolve(CLEAN_STOP_MARKER), new byte[0]);
			}
			catch (IOException ex) {
				SessionDaemon.log("WARN", "Cannot mark " + this.dir + " cleanly stopped: " + ex);
			}
		}
		return done;
	}

	/**
	 * Write every dirty session now; called by one thread at a time.
	 * @return the number of files written or deleted
	 */
	synchronized int flush() {
		int done = 0;
		for (String id : this.dirty) {
			this.dirty.remove(id);
			try {
				SessionRecord record = this.store.find(id);
				if (record != null) {
					write(record);
				}
				else {
					Files.deleteIfExists(this.dir.resolve(id + this.extension));
				}
				done++;
			}
			catch (IOException ex) {
				this.dirty.add(id);
				SessionDaemon.log("ERROR", "Cannot write the session file of " + id + " in " + this.dir + ": " + ex);
			}
		}
		return done;
	}

	private void write(SessionRecord record) throws IOException {
		Path target = this.dir.resolve(record.id() + this.extension);
		Path temp = this.dir.resolve(TEMP_PREFIX + record.id());
		ByteBuffer buffer = ByteBuffer.wrap(this.format.encode(record));
		Files.deleteIfExists(temp);
		try (FileChannel channel = FileChannel.open(temp,
				Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), FileAttributes.ownerOnlyFile(temp))) {
			while (buffer.hasRemaining()) {
				channel.write(buffer);
			}
		}
		try {
			Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (AtomicMoveNotSupportedException ex) {
			Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
		}
	}

	Path dir() {
		return this.dir;
	}

}
