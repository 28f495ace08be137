package dev.sessionstarter.store.file;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionHandle;

/**
 * The session files a {@link FileSessionStore} maps, counted and bounded: its own
 * {@linkplain OpenSessionFiles open files} until a memoized cache asks for its first
 * {@linkplain #openForCache handle}, and from then on the cache's handles only (one mapping a
 * file is enough). Thread-safe.
 */
final class SessionFileMappings {

	private static final Log logger = LogFactory.getLog(FileSessionStore.class);

	/**
	 * The most session files one store keeps mapped at once: the operating system limits the
	 * mappings of a process (65,530 by default on Linux).
	 */
	static final int MAX_MAPPINGS = 16_384;

	private final AtomicInteger count = new AtomicInteger();

	private final int max;

	SessionFileMappings(int max) {
		this.max = max;
	}

	/**
	 * Map a binary session file for a cache that holds the session, after giving up the
	 * store's own open files and keeping none from then on.
	 * @param store the store
	 * @param id the session id
	 * @param path its file
	 * @param openFiles the store's open files, {@code null} in the json format
	 * @return the mapped file, or {@code null} if it cannot be mapped, or when as many files
	 * as allowed are mapped already
	 */
	@Nullable SessionHandle openForCache(FileSessionStore store, String id, Path path,
			@Nullable OpenSessionFiles openFiles) {
		if (!canMap()) {
			return null;
		}
		if (openFiles != null) {
			// the cache keeps the files of its sessions mapped: one mapping a file is enough
			openFiles.stop();
		}
		try {
			return MappedSessionFile.open(store, id, path);
		}
		catch (UncheckedIOException ex) {
			// out of mappings, say: the session is served without one
			logger.debug("Cannot map session file " + path, ex);
			return null;
		}
	}

	/**
	 * Count mappings made and released by {@link MappedSessionFile}.
	 * @param delta {@code 1} for a mapping made, {@code -1} for one released
	 */
	void mapped(int delta) {
		this.count.addAndGet(delta);
	}

	/**
	 * Whether fewer files are mapped now than the store maps at most.
	 * @return {@code true} if one more may be mapped
	 */
	boolean canMap() {
		return this.count.get() < this.max;
	}

	/**
	 * Return how many session files are mapped now.
	 * @return the number of open {@link MappedSessionFile}s with a mapping
	 */
	int count() {
		return this.count.get();
	}

}
