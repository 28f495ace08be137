package dev.sessionstarter.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionTooLargeException;
import dev.sessionstarter.store.file.CorruptSessionFileException;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.file.RecordFormat;
import dev.sessionstarter.store.file.SessionDirectory;
import dev.sessionstarter.store.file.SessionFileWriter;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * The loading of the daemon's storage directory on start ({@link SessionFiles#load}): every
 * session file read as the file store reads it, an unreadable one quarantined, an expired one
 * deleted, the rest put into the store with their stored versions.
 */
final class SessionFileLoad {

	private final SessionDirectory directory;

	private final SessionFileWriter writer;

	private final MemorySessionStore store;

	private final BiConsumer<Path, @Nullable String> quarantine;

	private final RecordFormat format = RecordFormat.of(FileFormat.BINARY);

	SessionFileLoad(SessionDirectory directory, SessionFileWriter writer, MemorySessionStore store,
			BiConsumer<Path, @Nullable String> quarantine) {
		this.directory = directory;
		this.writer = writer;
		this.store = store;
		this.quarantine = quarantine;
	}

	/**
	 * Load every stored session that has not expired into the store, its version raised by a
	 * step (after a crash), and delete the stale temporary files of a killed daemon.
	 * @param now the current time
	 * @param versionStep added to every stored version
	 * @return the number loaded
	 * @throws IOException if the directory cannot be listed
	 */
	int load(Instant now, long versionStep) throws IOException {
		int loaded = 0;
		for (Path file : list()) {
			if (SessionDirectory.isTemporary(file)) {
				this.writer.deleteIfStale(file);
				continue;
			}
			SessionRecord record = file.getFileName().toString().endsWith(FileFormat.BINARY.extension())
					? read(file) : null;
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
		return loaded;
	}

	private Iterable<Path> list() throws IOException {
		try {
			return this.directory.list();
		}
		catch (UncheckedIOException ex) {
			throw ex.getCause();
		}
	}

	/**
	 * Read a session file as the file store does: only a regular file (no link followed, no
	 * FIFO opened) within the file store's size bound, else it is quarantined.
	 */
	private @Nullable SessionRecord read(Path file) {
		SessionRecord record;
		try {
			byte[] content = this.directory.read(file);
			if (content == null) {
				return null;
			}
			record = this.format.decode(content);
		}
		catch (CorruptSessionFileException ex) {
			this.quarantine.accept(file, ex.getMessage());
			return null;
		}
		catch (UncheckedIOException ex) {
			this.quarantine.accept(file, String.valueOf(ex.getCause()));
			return null;
		}
		if (!record.id().equals(this.directory.idOf(file))) {
			this.quarantine.accept(file, "the file name does not match the session id");
			return null;
		}
		return record;
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

}
