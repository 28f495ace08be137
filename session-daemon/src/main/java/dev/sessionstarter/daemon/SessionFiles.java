package dev.sessionstarter.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.file.Quarantine;
import dev.sessionstarter.store.file.RecordFormat;
import dev.sessionstarter.store.file.SessionDirectory;
import dev.sessionstarter.store.file.SessionFileWriter;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * The daemon's storage directory: one file per session, {@code <id>.session} in the file
 * store's binary format ({@link RecordFormat}, with its checksum), owner-only, named, written
 * and quarantined by the file store's own {@link SessionDirectory}, {@link SessionFileWriter}
 * (a temporary file renamed over the old one, so a file is always whole) and
 * {@link Quarantine}. Writes happen behind the requests: a change marks its session dirty, and
 * {@link #flush()} (every flush interval, and on a clean stop) writes the dirty sessions as the
 * store holds them then, or deletes the files of those it no longer holds. A file that cannot
 * be read is moved to {@code .quarantine/}, logged and skipped, as the file store does: files
 * are read by {@link SessionDirectory#read} (a regular file within the file store's size bound,
 * no link followed, no FIFO opened), written by renaming a new file over the old name (never
 * through a link), and a directory in the way of a write is quarantined too; a
 * temporary file a killed daemon left behind is deleted on start once it is stale. Sessions
 * are loaded with their stored versions, so copies cached by memoized stores stay valid across
 * a clean restart.
 */
final class SessionFiles {

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

	private final SessionDirectory directory;

	private final SessionFileWriter writer;

	private final Quarantine quarantine;

	private final MemorySessionStore store;

	private final RecordFormat format = RecordFormat.of(FileFormat.BINARY);

	private final Set<String> dirty = ConcurrentHashMap.newKeySet();

	private final LogLimiter failures = new LogLimiter(Duration.ofMinutes(1));

	private long failedWrites;

	SessionFiles(Path dir, MemorySessionStore store) throws IOException {
		try {
			this.directory = new SessionDirectory(dir, FileFormat.BINARY);
		}
		catch (UncheckedIOException ex) {
			throw ex.getCause();
		}
		this.writer = new SessionFileWriter(this.directory, false);
		this.quarantine = new Quarantine(this.directory, (message) -> SessionDaemon.log("WARN", message));
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
		boolean clean = takeCleanStopMarker();
		return new SessionFileLoad(this.directory, this.writer, this.store, this::quarantine)
			.load(now, clean ? 0 : CRASH_VERSION_STEP);
	}

	/**
	 * Remove the clean-stop marker: a regular file says the last stop was clean; anything else in
	 * its place (a link is not followed) is set aside, so the next stop can write the marker.
	 */
	private boolean takeCleanStopMarker() throws IOException {
		Path marker = dir().resolve(CLEAN_STOP_MARKER);
		BasicFileAttributes attributes;
		try {
			attributes = Files.readAttributes(marker, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
		}
		catch (NoSuchFileException ex) {
			return false;
		}
		if (attributes.isRegularFile()) {
			Files.delete(marker);
			return true;
		}
		quarantine(marker, "the clean-stop marker is not a regular file");
		return false;
	}

	private void quarantine(Path file, @Nullable String reason) {
		try {
			this.quarantine.move(file, reason);
		}
		catch (UncheckedIOException ex) {
			SessionDaemon.log("WARN", "Session file " + file + " is unreadable (" + reason + ") and cannot be moved "
					+ "to the quarantine: " + ex.getCause() + "; skipped it");
		}
	}

	/**
	 * Write every dirty session, then mark the directory cleanly stopped; called once, when
	 * the daemon stops.
	 * @return the number of files written or deleted
	 */
	synchronized int flushAndMarkClean() {
		int done = flush();
		if (this.dirty.isEmpty()) {
			Path marker = dir().resolve(CLEAN_STOP_MARKER);
			try {
				// created anew (O_EXCL), so that no link in its place is written through
				Files.deleteIfExists(marker);
				Files.createFile(marker);
			}
			catch (IOException ex) {
				SessionDaemon.log("WARN", "Cannot mark " + dir() + " cleanly stopped: " + ex);
			}
		}
		return done;
	}

	/**
	 * Write every session that was dirty when the flush began, once: a write that fails leaves
	 * its session dirty for the next flush, never retried within this one. Failures are logged
	 * on the first failing flush, then at most once a minute with their count. Stops early, the
	 * rest left dirty, if the thread is interrupted (an interrupted write fails anyway).
	 * @return the number of files written or deleted
	 */
	synchronized int flush() {
		List<String> ids = new ArrayList<>(this.dirty);
		List<String> failed = new ArrayList<>();
		UncheckedIOException firstFailure = null;
		int done = 0;
		for (String id : ids) {
			if (Thread.currentThread().isInterrupted()) {
				break;
			}
			this.dirty.remove(id);
			try {
				write(id);
				done++;
			}
			catch (UncheckedIOException ex) {
				failed.add(id);
				firstFailure = (firstFailure != null) ? firstFailure : ex;
			}
			catch (RuntimeException | Error ex) {
				this.dirty.add(id);
				this.dirty.addAll(failed);
				throw ex;
			}
		}
		this.dirty.addAll(failed);
		if (firstFailure != null) {
			failed(failed.size(), firstFailure);
		}
		else if (done > 0) {
			long flushes = this.failures.succeeded();
			if (flushes > 0) {
				SessionDaemon.log("INFO", "Session files in " + dir() + " are written again, after "
						+ this.failedWrites + " failed writes in " + flushes + " flushes");
			}
			this.failedWrites = 0;
		}
		return done;
	}

	private void write(String id) {
		try {
			writeOnce(id);
		}
		catch (UncheckedIOException ex) {
			Path file = this.directory.file(id);
			if (file == null || !Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
				throw ex;
			}
			// a directory under the session's name: no file can be renamed over it
			quarantine(file, "it is not a regular file but a directory, in the way of a write");
			writeOnce(id);
		}
	}

	private void writeOnce(String id) {
		SessionRecord record = this.store.find(id);
		if (record != null) {
			this.writer.replace(id, this.format.encode(record));
		}
		else {
			this.writer.delete(id);
		}
	}

	/**
	 * Return how many entries of the directory were moved to the quarantine.
	 * @return the number since the daemon started
	 */
	long quarantined() {
		return this.quarantine.count();
	}

	private void failed(int count, UncheckedIOException first) {
		this.failedWrites += count;
		long flushes = this.failures.failed();
		if (flushes > 0) {
			SessionDaemon.log("ERROR", "Cannot write " + count + " session files in " + dir() + " ("
					+ first.getCause() + "); " + this.failedWrites + " failed writes in " + flushes + " flushes since "
					+ this.failures.failingSince() + ". They stay in memory and are retried at every flush;"
					+ " this is logged at most once a minute");
		}
	}

	/**
	 * Say what the last flushes could not write, if anything.
	 * @return the sessions left unwritten and the failed writes, or {@code null} if the last
	 * flush wrote everything
	 */
	synchronized @Nullable String unwritten() {
		long flushes = this.failures.failures();
		if (flushes == 0) {
			return null;
		}
		return this.dirty.size() + " changed sessions could not be written (" + this.failedWrites
				+ " failed writes in " + flushes + " flushes)";
	}

	Path dir() {
		return this.directory.path();
	}

}
