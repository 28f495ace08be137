package dev.sessionstarter.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;

/**
 * The binary session files a {@link FileSessionStore} keeps open, {@linkplain OpenSessionFile
 * mapped} with the record last seen in each, so that the sessions in use are found and saved
 * with one look at their path (its file's identity and size) and no open, read, decode or close:
 * at most {@link #MAX_OPEN} files, the least used given up first (a second-chance clock).
 * Thread-safe.
 */
final class OpenSessionFiles {

	/**
	 * The most files kept open; a store's mappings together stay under
	 * {@link SessionFileMappings#MAX_MAPPINGS}.
	 */
	static final int MAX_OPEN = 4096;

	/**
	 * How many entries an eviction looks at, at most, for one not used since it last looked.
	 */
	private static final int EVICTION_SCAN = 16;

	private final ConcurrentHashMap<String, OpenSessionFile> files = new ConcurrentHashMap<>();

	private final FileSessionStore store;

	private final int maxOpen;

	/**
	 * Where the eviction clock stopped; guarded by this.
	 */
	private @Nullable Iterator<Map.Entry<String, OpenSessionFile>> hand;

	private final Supplier<@Nullable Object> requestScope;

	private volatile boolean stopped;

	/**
	 * Run after a file is mapped and before it is kept open; a seam for tests, {@code null}
	 * otherwise.
	 */
	volatile @Nullable Runnable whileOpening;

	/**
	 * Keep files open for a store.
	 * @param store the store
	 * @param maxOpen the most files open at once
	 * @param requestScope the request lock the calling thread holds, see
	 * {@link LockTable#requestScope()}
	 */
	OpenSessionFiles(FileSessionStore store, int maxOpen, Supplier<@Nullable Object> requestScope) {
		this.store = store;
		this.maxOpen = maxOpen;
		this.requestScope = requestScope;
	}

	/**
	 * Find a session through its open file.
	 * @param id the session id
	 * @return the record, or {@code null} if its file is not open or cannot answer: read the path
	 */
	@Nullable SessionRecord find(String id) {
		OpenSessionFile file = this.files.get(id);
		if (file == null) {
			return null;
		}
		BasicFileAttributes attributes = attributes(id, file.path());
		return (attributes != null) ? file.find(attributes, this.requestScope.get()) : null;
	}

	/**
	 * Save a change to a session through its open file; the caller holds the record lock. The
	 * path is looked at again unless the request lock the thread holds is the one it held when
	 * it found the session: within one request, a file changed by a process that follows the
	 * locking is marked gone before it is replaced or deleted, which the mapping shows.
	 * @param change a change that neither creates nor renames a session
	 * @param index the principal index
	 * @param fsync whether to force the write to the disk
	 * @return the stored result, or {@code null} if the file is not open or cannot take the
	 * change in place: apply it through the path
	 */
	@Nullable SessionRecord save(SessionChange change, PrincipalIndex index, boolean fsync) {
		OpenSessionFile file = this.files.get(change.id());
		if (file == null) {
			return null;
		}
		Object scope = this.requestScope.get();
		if (scope != null && file.isCheckedIn(scope)) {
			return file.save(null, change, index, fsync);
		}
		BasicFileAttributes attributes = attributes(change.id(), file.path());
		return (attributes != null) ? file.save(attributes, change, index, fsync) : null;
	}

	/**
	 * Keep a session's file open after it was read through its path, unless it is open already
	 * or cannot be mapped.
	 * @param id the session id
	 * @param path its file
	 * @param stored what the read found, a slotted file
	 */
	void open(String id, Path path, StoredFile stored) {
		if (this.stopped || this.files.containsKey(id) || stored.slotted() == null
				|| !this.store.canMap()) {
			return;
		}
		MappedSessionFile mapped;
		try {
			mapped = MappedSessionFile.open(this.store, id, path);
		}
		catch (UncheckedIOException ex) {
			return;
		}
		if (mapped == null) {
			return;
		}
		Runnable whileOpening = this.whileOpening;
		if (whileOpening != null) {
			whileOpening.run();
		}
		OpenSessionFile file = new OpenSessionFile(mapped);
		file.remember(stored);
		if (!keep(id, file)) {
			file.close();
			return;
		}
		if (this.files.size() > this.maxOpen) {
			evictOne();
		}
	}

	/**
	 * Keep a file just mapped open, unless its id has one or the files were stopped meanwhile:
	 * under the lock {@link #stop()} takes, so that a file is either kept before the stop, which
	 * then gives it up, or not kept at all.
	 */
	private synchronized boolean keep(String id, OpenSessionFile file) {
		return !this.stopped && this.files.putIfAbsent(id, file) == null;
	}

	/**
	 * Give up a session's open file, if it has one: its file is deleted or renamed.
	 * @param id the session id
	 */
	void close(String id) {
		OpenSessionFile file = this.files.remove(id);
		if (file != null) {
			file.close();
		}
	}

	/**
	 * Give up every open file and open none from now on: a cache keeps the files mapped itself
	 * (see {@link FileSessionStore#open(String)}) and answers the finds they would serve, or the
	 * store is closed. A file being mapped meanwhile is not kept (see {@link #keep}).
	 */
	void stop() {
		synchronized (this) {
			this.stopped = true;
		}
		this.files.keySet().forEach(this::close);
	}

	/**
	 * Return how many files are open now.
	 * @return the number
	 */
	int size() {
		return this.files.size();
	}

	/**
	 * Give up one file: the first, from where the clock hand stopped last time, that was not
	 * used since the hand last passed it (clearing the marks it passes), or the last it looks at.
	 */
	private void evictOne() {
		Map.Entry<String, OpenSessionFile> victim = null;
		synchronized (this) {
			for (int i = 0; i < EVICTION_SCAN; i++) {
				if (this.hand == null || !this.hand.hasNext()) {
					this.hand = this.files.entrySet().iterator();
					if (!this.hand.hasNext()) {
						break;
					}
				}
				victim = this.hand.next();
				if (!victim.getValue().used) {
					break;
				}
				victim.getValue().used = false;
			}
		}
		if (victim != null && this.files.remove(victim.getKey(), victim.getValue())) {
			victim.getValue().close();
		}
	}

	/**
	 * Read a session file's attributes; a file no longer there is given up.
	 */
	private @Nullable BasicFileAttributes attributes(String id, Path path) {
		try {
			return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
		}
		catch (NoSuchFileException ex) {
			close(id);
			return null;
		}
		catch (IOException ex) {
			return null;
		}
	}

}
