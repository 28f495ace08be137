package dev.sessionstarter.daemon;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireCodec;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionIds;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionStore;

/**
 * The daemon's storage directory: one file per session ({@code <id>.session}, a magic number
 * then the record in {@link WireCodec} form), each written to a temporary file and renamed
 * over the old one, so a file is always whole. Writes happen behind the requests: a change
 * marks its session dirty, and {@link #flush()} (every flush interval, and on a clean stop)
 * writes the dirty sessions as the store holds them then, or deletes the files of those it no
 * longer holds. A file that cannot be read is renamed {@code <name>.corrupt} and skipped.
 */
final class SessionFiles {

	static final int MAGIC = 0x53534431;

	private static final String SUFFIX = ".session";

	private final Path dir;

	private final SessionStore store;

	private final Set<String> dirty = ConcurrentHashMap.newKeySet();

	SessionFiles(Path dir, SessionStore store) throws IOException {
		this.dir = Files.createDirectories(dir);
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
	 * Load every stored session that has not expired into the store.
	 * @param now the current time
	 * @return the number loaded
	 * @throws IOException if the directory cannot be listed
	 */
	int load(Instant now) throws IOException {
		int loaded = 0;
		try (DirectoryStream<Path> files = Files.newDirectoryStream(this.dir, "*" + SUFFIX)) {
			for (Path file : files) {
				SessionRecord record = read(file);
				if (record == null) {
					continue;
				}
				if (record.isExpired(now)) {
					Files.deleteIfExists(file);
					continue;
				}
				this.store.save(toCreate(record));
				loaded++;
			}
		}
		return loaded;
	}

	private @Nullable SessionRecord read(Path file) {
		String name = file.getFileName().toString();
		String id = name.substring(0, name.length() - SUFFIX.length());
		try {
			WireInput input = new WireInput(Files.readAllBytes(file));
			if (input.readInt() != MAGIC) {
				throw new ProtocolException("not a session file");
			}
			SessionRecord record = WireCodec.readRecord(input);
			input.requireEnd();
			if (!SessionIds.isValid(id) || !record.id().equals(id)) {
				throw new ProtocolException("the file name does not match the session id");
			}
			return record;
		}
		catch (IOException | RuntimeException ex) {
			SessionDaemon.log("WARN", "Cannot read " + file + " (" + ex.getMessage() + "); renamed to " + name
					+ ".corrupt and skipped");
			try {
				Files.move(file, file.resolveSibling(name + ".corrupt"), StandardCopyOption.REPLACE_EXISTING);
			}
			catch (IOException moveFailure) {
				SessionDaemon.log("WARN", "Cannot rename " + file + ": " + moveFailure.getMessage());
			}
			return null;
		}
	}

	private static SessionChange toCreate(SessionRecord record) {
		Map<String, byte[]> attributes = new HashMap<>();
		for (int i = 0; i < record.attributeCount(); i++) {
			attributes.put(record.attributeName(i), record.attributeValue(i));
		}
		return new SessionChange(record.id(), null, true, record.creationTime(), record.lastAccessedTime(),
				record.maxInactiveMillis(), record.principalName() != null, record.principalName(),
				new HashMap<>(attributes));
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
					Files.deleteIfExists(this.dir.resolve(id + SUFFIX));
				}
				done++;
			}
			catch (IOException ex) {
				this.dirty.add(id);
				SessionDaemon.log("ERROR", "Cannot write session file of " + id + " in " + this.dir + ": " + ex);
			}
		}
		return done;
	}

	private void write(SessionRecord record) throws IOException {
		WireOutput output = WireOutput.plain().writeInt(MAGIC);
		WireCodec.writeRecord(output, record);
		Path target = this.dir.resolve(record.id() + SUFFIX);
		Path temp = this.dir.resolve(record.id() + ".tmp");
		Files.write(temp, output.toByteArray());
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
