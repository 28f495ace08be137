package dev.sessionstarter.benchmarks;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.memoized.Coherence;

/**
 * The repositories the benchmarks compare, ours and Spring Session's. A JMH {@code @Param} and
 * the {@link InterleavedBenchmark} walk these constants, so every figure of one run is measured
 * side by side; each names the {@link #baselines() baselines} its ratios are taken against (none
 * for a baseline itself, one for most, several when an issue sets targets against several).
 *
 * <p>To add a competitor: a {@link RepositoryAdapter} subclass that builds it as an application
 * would, and a constant here whose {@link #create()} returns it.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.sessionstarter.benchmarks.Implementation}
 * prints one line per constant ({@code name}, {@code label}, {@code baselines}, tab-separated, the
 * baselines comma-separated or {@code -} for none);
 * {@code benchmarks/run.sh} and {@code report.py} read it.
 */
public enum Implementation {

	/** Our {@code memory} store ({@link MemoryStoreAdapter}), against the map. */
	MEMORY("memory (ours)", "MAP") {
		@Override
		RepositoryAdapter<?> create() {
			return MemoryStoreAdapter.create(BENCHMARK_MAX_BYTES);
		}
	},

	/** Spring Session's {@code MapSessionRepository} ({@link MapRepositoryAdapter}). */
	MAP("Map (Spring Session)") {
		@Override
		RepositoryAdapter<?> create() {
			return MapRepositoryAdapter.create();
		}
	},

	/** Our {@code file} store, binary files on tmpfs ({@code /dev/shm}), against JDBC on in-memory H2. */
	FILE_BINARY_TMPFS("file binary tmpfs (ours)", "JDBC_H2_MEMORY") {
		@Override
		RepositoryAdapter<?> create() throws Exception {
			return FileStoreAdapter.create(TMPFS, FileFormat.BINARY);
		}
	},

	/**
	 * Our {@code file} store, binary files on tmpfs, every attribute value encrypted (AES-GCM,
	 * {@code sessions.encryption.key}), against the same store unencrypted: the cost of encryption.
	 */
	FILE_BINARY_TMPFS_ENCRYPTED("file binary tmpfs encrypted (ours)", "FILE_BINARY_TMPFS") {
		@Override
		RepositoryAdapter<?> create() throws Exception {
			return FileStoreAdapter.create(TMPFS, FileFormat.BINARY, true);
		}
	},

	/** Our {@code file} store, JSON files on tmpfs. */
	FILE_JSON_TMPFS("file json tmpfs (ours)", "JDBC_H2_MEMORY") {
		@Override
		RepositoryAdapter<?> create() throws Exception {
			return FileStoreAdapter.create(TMPFS, FileFormat.JSON);
		}
	},

	/** Our {@code file} store, binary files on disk ({@link #diskDirectory()}). */
	FILE_BINARY_DISK("file binary disk (ours)", "JDBC_H2_MEMORY") {
		@Override
		RepositoryAdapter<?> create() throws Exception {
			return FileStoreAdapter.create(diskDirectory(), FileFormat.BINARY);
		}
	},

	/** Our {@code file} store, JSON files on disk. */
	FILE_JSON_DISK("file json disk (ours)", "JDBC_H2_MEMORY") {
		@Override
		RepositoryAdapter<?> create() throws Exception {
			return FileStoreAdapter.create(diskDirectory(), FileFormat.JSON);
		}
	},

	/**
	 * Our {@code memoized} store in validate coherence over binary files on tmpfs
	 * ({@link MemoizedStoreAdapter}), against the file store alone (what the cache gains) and
	 * against our {@code memory} store (how near the cache comes to it).
	 */
	MEMOIZED_VALIDATE_BINARY_TMPFS("memoized validate, binary tmpfs (ours)", "FILE_BINARY_TMPFS", "MEMORY") {
		@Override
		RepositoryAdapter<?> create() throws Exception {
			return MemoizedStoreAdapter.create(TMPFS, Coherence.VALIDATE);
		}
	},

	/** Our {@code memoized} store in exclusive coherence over binary files on tmpfs. */
	MEMOIZED_EXCLUSIVE_BINARY_TMPFS("memoized exclusive, binary tmpfs (ours)", "FILE_BINARY_TMPFS", "MEMORY") {
		@Override
		RepositoryAdapter<?> create() throws Exception {
			return MemoizedStoreAdapter.create(TMPFS, Coherence.EXCLUSIVE);
		}
	},

	/** Our {@code memoized} store in validate coherence over binary files on disk. */
	MEMOIZED_VALIDATE_BINARY_DISK("memoized validate, binary disk (ours)", "FILE_BINARY_DISK", "MEMORY") {
		@Override
		RepositoryAdapter<?> create() throws Exception {
			return MemoizedStoreAdapter.create(diskDirectory(), Coherence.VALIDATE);
		}
	},

	/** Our {@code memoized} store in exclusive coherence over binary files on disk. */
	MEMOIZED_EXCLUSIVE_BINARY_DISK("memoized exclusive, binary disk (ours)", "FILE_BINARY_DISK", "MEMORY") {
		@Override
		RepositoryAdapter<?> create() throws Exception {
			return MemoizedStoreAdapter.create(diskDirectory(), Coherence.EXCLUSIVE);
		}
	},

	/**
	 * Our {@code memoized} store in exclusive coherence over a {@code memory} store, which no
	 * configuration offers: the cheapest write-through there is, so its ratio to {@link #MEMORY}
	 * is the most any delegate could reach ({@link MemoizedStoreAdapter#overMemory()}).
	 */
	MEMOIZED_EXCLUSIVE_OVER_MEMORY("memoized exclusive over memory (ours, a bound)", "MEMORY") {
		@Override
		RepositoryAdapter<?> create() {
			return MemoizedStoreAdapter.overMemory();
		}
	},

	/**
	 * Our {@code redis} store ({@link RedisStoreAdapter}) on the benchmark's own
	 * {@code redis-server} ({@link LocalRedis}), against Spring Session's
	 * {@code RedisSessionRepository} on the same server.
	 */
	REDIS("redis (ours)", "SPRING_REDIS") {
		@Override
		RepositoryAdapter<?> create() throws Exception {
			return RedisStoreAdapter.plain("bench-redis");
		}
	},

	/**
	 * Our {@code memoized} store in validate coherence over our {@code redis} store, against
	 * Spring Session's {@code RedisSessionRepository} and our {@code redis} store alone.
	 */
	MEMOIZED_VALIDATE_REDIS("memoized validate over redis (ours)", "SPRING_REDIS", "REDIS") {
		@Override
		RepositoryAdapter<?> create() throws Exception {
			return RedisStoreAdapter.memoized("bench-memoized-redis");
		}
	},

	/**
	 * Our {@code redis} store with its native Redis request locks, each request cycle within its
	 * session's lock (two round trips: the lock answers the session, the save releases the
	 * lock), against Spring Session's {@code RedisSessionRepository} (no lock) and our
	 * {@code redis} store without locks.
	 */
	REDIS_LOCKED("redis with redis request locks (ours)", "SPRING_REDIS", "REDIS") {
		@Override
		RepositoryAdapter<?> create() throws Exception {
			return RedisStoreAdapter.locked("bench-redis-locked", false);
		}
	},

	/**
	 * Our {@code memoized} store in validate coherence over our {@code redis} store with Redis
	 * request locks (the lock call answers the version, so a current cached copy costs no read),
	 * against Spring Session's {@code RedisSessionRepository} (no lock) and the same store without
	 * locks.
	 */
	MEMOIZED_VALIDATE_REDIS_LOCKED("memoized validate over redis, redis request locks (ours)", "SPRING_REDIS",
			"MEMOIZED_VALIDATE_REDIS") {
		@Override
		RepositoryAdapter<?> create() throws Exception {
			return RedisStoreAdapter.locked("bench-memoized-redis-locked", true);
		}
	},

	/**
	 * {@link #REDIS_LOCKED} with retained locks ({@link RedisStoreAdapter#RETAIN}): a save
	 * keeps the lock, and the session's next request within the trusted half of the retention
	 * takes it without a round trip (one round trip, the save); against Spring Session's
	 * {@code RedisSessionRepository} and the same store releasing its locks.
	 */
	REDIS_LOCKED_RETAINED("redis with retained redis request locks (ours)", "SPRING_REDIS", "REDIS_LOCKED") {
		@Override
		RepositoryAdapter<?> create() throws Exception {
			return RedisStoreAdapter.locked("bench-redis-locked-retained", false, RedisStoreAdapter.RETAIN);
		}
	},

	/**
	 * {@link #MEMOIZED_VALIDATE_REDIS_LOCKED} with retained locks: a request whose lock is taken
	 * from the retention uses the cache's copy without asking Redis, so it costs the save only.
	 */
	MEMOIZED_VALIDATE_REDIS_LOCKED_RETAINED("memoized validate over redis, retained redis request locks (ours)",
			"SPRING_REDIS", "MEMOIZED_VALIDATE_REDIS_LOCKED") {
		@Override
		RepositoryAdapter<?> create() throws Exception {
			return RedisStoreAdapter.locked("bench-memoized-redis-locked-retained", true, RedisStoreAdapter.RETAIN);
		}
	},

	/** Spring Session's {@code RedisSessionRepository} ({@link SpringRedisAdapter}). */
	SPRING_REDIS("RedisSessionRepository (Spring Session)") {
		@Override
		RepositoryAdapter<?> create() throws Exception {
			return SpringRedisAdapter.plain("bench-spring-redis");
		}
	},

	/**
	 * Spring Session's {@code RedisIndexedSessionRepository}, against its
	 * {@code RedisSessionRepository}.
	 */
	SPRING_REDIS_INDEXED("RedisIndexedSessionRepository (Spring Session)", "SPRING_REDIS") {
		@Override
		RepositoryAdapter<?> create() throws Exception {
			return SpringRedisAdapter.indexed("bench-spring-redis-indexed");
		}
	},

	/**
	 * Spring Session's {@code JdbcIndexedSessionRepository} on an embedded in-memory H2 database
	 * ({@link JdbcRepositoryAdapter}).
	 */
	JDBC_H2_MEMORY("JDBC H2 in memory (Spring Session)") {
		@Override
		RepositoryAdapter<?> create() {
			return JdbcRepositoryAdapter.inMemory();
		}
	},

	/** As {@link #JDBC_H2_MEMORY}, with the H2 database in a file on disk. */
	JDBC_H2_DISK("JDBC H2 on disk (Spring Session)", "JDBC_H2_MEMORY") {
		@Override
		RepositoryAdapter<?> create() throws Exception {
			return JdbcRepositoryAdapter.onDisk(diskDirectory());
		}
	};

	/**
	 * The memory store's bound in benchmarks: 1GB, far above what the benchmarks create (a few
	 * tens of MB at most), so no session is ever evicted and every repository holds the same set.
	 */
	static final long BENCHMARK_MAX_BYTES = 1L << 30;

	/** The system property naming the directory of the on-disk implementations. */
	static final String DISK_DIRECTORY_PROPERTY = "benchmark.disk.dir";

	private static final Path TMPFS = Path.of("/dev/shm");

	private final String label;

	private final List<String> baselines;

	Implementation(String label, String... baselines) {
		this.label = label;
		this.baselines = List.of(baselines);
	}

	/**
	 * Create a fresh, empty repository of this kind. The caller closes it.
	 * @return its adapter
	 * @throws Exception if it cannot be created
	 */
	abstract RepositoryAdapter<?> create() throws Exception;

	/**
	 * Return the name the result tables show.
	 * @return the label
	 */
	public String label() {
		return this.label;
	}

	/**
	 * Return the implementations this one's ratios are taken against, in the order the result
	 * tables show them.
	 * @return the baselines, empty for a baseline itself
	 */
	public List<Implementation> baselines() {
		return this.baselines.stream().map(Implementation::valueOf).toList();
	}

	/**
	 * Return the directory the on-disk implementations write to: the system property
	 * {@value #DISK_DIRECTORY_PROPERTY}, else the working directory.
	 * @return the directory
	 */
	static Path diskDirectory() {
		return Path.of(System.getProperty(DISK_DIRECTORY_PROPERTY, ".")).toAbsolutePath();
	}

	/**
	 * Print every implementation, one a line: name, label and baselines (comma-separated,
	 * {@code -} for none), tab-separated.
	 * @param args ignored
	 */
	public static void main(String[] args) {
		for (Implementation implementation : values()) {
			List<String> baselines = implementation.baselines().stream().map(Implementation::name).toList();
			System.out.println(String.join("\t", implementation.name(), implementation.label(),
					baselines.isEmpty() ? "-" : String.join(",", baselines)));
		}
	}

	/**
	 * Return the implementation a name on a command line means: the constant's name in any case,
	 * with {@code -} for {@code _} ({@code file-binary-tmpfs}).
	 * @param name the name
	 * @return the implementation
	 * @throws IllegalArgumentException if there is none of that name
	 */
	static Implementation of(String name) {
		return valueOf(name.trim().replace('-', '_').toUpperCase(Locale.ROOT));
	}

}
