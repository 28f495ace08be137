package dev.sessionstarter.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.util.FileSystemUtils;

import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.file.FileSessionLockManager;
import dev.sessionstarter.store.file.FileSessionStore;
import dev.sessionstarter.store.memoized.CacheStatistics;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * Our {@code memoized} store as {@code sessions.store=memoized} configures it with its defaults
 * over binary files ({@code delegate: file}): a {@link StoreSessionRepository} over a
 * {@link MemoizedSessionStore} whose cache is a {@link MemorySessionStore} (64MB, 100,000
 * sessions, evicting down to 0.9 of both) in front of a {@link FileSessionStore} in a fresh
 * directory, JDK serializer, decode on load (which a cache hit skips: the record was decoded
 * when it was loaded). The cache keeps the file of every session it caches mapped. In validate
 * coherence every read checks the version in the mapped file and is served from the cache when
 * it is current, and every save takes the session's record lock and copies the new record into
 * the mapping; in exclusive coherence the cache holds the cache lock of every session it caches
 * (in the directory's cache lock files, no wait), serves reads without touching the file, and
 * copies every save into the mapping under the record lock. Every save reaches the file before
 * it returns. {@link #close()} prints the cache's hit ratio to standard error, releases the
 * locks and deletes the directory.
 *
 * <p>{@link #overMemory()} puts the same cache in front of a {@link MemorySessionStore} instead,
 * which no configuration offers: the cheapest write-through there can be, so its distance to the
 * memory store alone is what the cache layer itself costs (a stripe lock, a second copy of every
 * record, and its accounting), whatever the delegate.
 */
final class MemoizedStoreAdapter extends RepositoryAdapter<StoredSession> {

	private final MemoizedSessionStore store;

	private final @Nullable FileSessionStore files;

	private final @Nullable FileSessionLockManager locks;

	private final @Nullable Path dir;

	private MemoizedStoreAdapter(MemoizedSessionStore store, @Nullable FileSessionStore files,
			@Nullable FileSessionLockManager locks, @Nullable Path dir) {
		super(repository(store));
		this.store = store;
		this.files = files;
		this.locks = locks;
		this.dir = dir;
	}

	private static StoreSessionRepository repository(MemoizedSessionStore store) {
		StoreSessionRepository repository = new StoreSessionRepository(store, new JavaSessionSerializer(List.of(), null));
		repository.setDecodeOnLoad(true);
		return repository;
	}

	/**
	 * Create the adapter over a new directory of binary files.
	 * @param parent where to create the directory (tmpfs or disk)
	 * @param coherence how the cache keeps its copies current
	 * @return the adapter
	 * @throws IOException if the directory cannot be created
	 */
	static MemoizedStoreAdapter create(Path parent, Coherence coherence) throws IOException {
		Path dir = Files.createTempDirectory(parent, "memoized-store-benchmark-");
		FileSessionStore files = new FileSessionStore(dir, FileFormat.BINARY, false);
		MemoizedSessionStore store = new MemoizedSessionStore(files, cache(), coherence);
		FileSessionLockManager locks = null;
		if (coherence == Coherence.EXCLUSIVE) {
			locks = FileSessionLockManager.forCache(files.getDirectory());
			store.setLockManager(locks, Duration.ZERO);
		}
		return new MemoizedStoreAdapter(store, files, locks, dir);
	}

	/**
	 * Create the adapter over a memory store, in exclusive coherence (a memory store is of one
	 * process, so there is no lock to hold).
	 * @return the adapter
	 */
	static MemoizedStoreAdapter overMemory() {
		MemorySessionStore delegate = new MemorySessionStore(Implementation.BENCHMARK_MAX_BYTES, 0.75, Clock.systemUTC());
		return new MemoizedStoreAdapter(new MemoizedSessionStore(delegate, cache(), Coherence.EXCLUSIVE), null, null,
				null);
	}

	/**
	 * Return a cache with {@code sessions.memoized.*}'s default bounds.
	 * @return a new, empty cache
	 */
	static MemorySessionStore cache() {
		return new MemorySessionStore(64L * 1024 * 1024, 100_000, 0.9, Clock.systemUTC());
	}

	/**
	 * Print a memoized store's hit ratio, cached sessions and held locks to standard error.
	 * @param store the store
	 */
	static void printCacheStatistics(MemoizedSessionStore store) {
		CacheStatistics cache = store.cacheStatistics();
		System.err.printf(Locale.ROOT, "memoized %s cache: hit ratio %.3f, %d sessions cached, %d locks held%n",
				cache.coherence(), cache.hitRatio(), cache.sessions(), cache.heldLocks());
	}

	@Override
	public long size() {
		return this.store.usage().sessions();
	}

	@Override
	public void close() throws IOException {
		printCacheStatistics(this.store);
		this.store.close();
		if (this.locks != null) {
			this.locks.close();
		}
		if (this.files != null) {
			this.files.close();
		}
		if (this.dir != null) {
			FileSystemUtils.deleteRecursively(this.dir);
		}
	}

}
