package dev.sessionstarter.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.transaction.support.TransactionTemplate;

import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.serialization.JsonSessionSerializer;
import dev.sessionstarter.serialization.SessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.file.FileSessionLockManager;
import dev.sessionstarter.store.file.FileSessionStore;
import dev.sessionstarter.store.memoized.CacheStatistics;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * The repositories {@link FileStoreRequestCycleBenchmark} compares.
 */
public enum Target {

	/** {@code sessions.store=file}, binary files on tmpfs ({@code /dev/shm}). */
	FILE_BINARY_TMPFS {
		@Override
		RepositoryDriver<?> create() throws IOException {
			return file(TMPFS, FileFormat.BINARY);
		}
	},

	/** {@code sessions.store=file}, JSON files on tmpfs. */
	FILE_JSON_TMPFS {
		@Override
		RepositoryDriver<?> create() throws IOException {
			return file(TMPFS, FileFormat.JSON);
		}
	},

	/** {@code sessions.store=file}, binary files on disk. */
	FILE_BINARY_DISK {
		@Override
		RepositoryDriver<?> create() throws IOException {
			return file(disk(), FileFormat.BINARY);
		}
	},

	/** {@code sessions.store=file}, JSON files on disk. */
	FILE_JSON_DISK {
		@Override
		RepositoryDriver<?> create() throws IOException {
			return file(disk(), FileFormat.JSON);
		}
	},

	/**
	 * {@code sessions.store=memoized} in validate coherence over binary files on tmpfs: every
	 * read checks the file's version (its first 12 bytes) and is served from the cache when it is
	 * current; every save writes the file.
	 */
	MEMOIZED_VALIDATE_BINARY_TMPFS {
		@Override
		RepositoryDriver<?> create() throws IOException {
			return memoized(TMPFS, Coherence.VALIDATE);
		}
	},

	/**
	 * {@code sessions.store=memoized} in exclusive coherence over binary files on tmpfs: the
	 * cache holds the file lock of every session it caches and serves reads without touching the
	 * file; every save writes the file.
	 */
	MEMOIZED_EXCLUSIVE_BINARY_TMPFS {
		@Override
		RepositoryDriver<?> create() throws IOException {
			return memoized(TMPFS, Coherence.EXCLUSIVE);
		}
	},

	/** {@code sessions.store=memoized} in validate coherence over binary files on disk. */
	MEMOIZED_VALIDATE_BINARY_DISK {
		@Override
		RepositoryDriver<?> create() throws IOException {
			return memoized(disk(), Coherence.VALIDATE);
		}
	},

	/** {@code sessions.store=memoized} in exclusive coherence over binary files on disk. */
	MEMOIZED_EXCLUSIVE_BINARY_DISK {
		@Override
		RepositoryDriver<?> create() throws IOException {
			return memoized(disk(), Coherence.EXCLUSIVE);
		}
	},

	/**
	 * {@code sessions.store=memory}, our heap store (1GB bound: nothing is evicted), the
	 * ceiling a cache in front of files is measured against.
	 */
	MEMORY {
		@Override
		RepositoryDriver<?> create() {
			MemorySessionStore store = new MemorySessionStore(1L << 30, 0.75, Clock.systemUTC());
			return new RepositoryDriver<>(new StoreSessionRepository(store, new JavaSessionSerializer(List.of(), null)),
					() -> {
					});
		}
	},

	/**
	 * Spring Session's {@code JdbcIndexedSessionRepository} on an embedded in-memory H2
	 * database behind a HikariCP pool, with Spring Session's own H2 schema.
	 */
	JDBC_H2 {
		@Override
		RepositoryDriver<?> create() {
			return jdbc("jdbc:h2:mem:sessions-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", null);
		}
	},

	/**
	 * As {@link #JDBC_H2}, with the H2 database in a file on disk (H2's defaults: commits are
	 * written within a second, not forced to the disk one by one).
	 */
	JDBC_H2_DISK {
		@Override
		RepositoryDriver<?> create() throws IOException {
			Path dir = Files.createTempDirectory(disk(), "h2-benchmark-");
			return jdbc("jdbc:h2:file:" + dir.resolve("sessions"), dir);
		}
	};

	private static final Path TMPFS = Path.of("/dev/shm");

	abstract RepositoryDriver<?> create() throws Exception;

	private static Path disk() {
		return Path.of(System.getProperty("benchmark.disk.dir", ".")).toAbsolutePath();
	}

	private static RepositoryDriver<?> jdbc(String url, @Nullable Path dir) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(url);
		dataSource.setMaximumPoolSize(4);
		new ResourceDatabasePopulator(new ClassPathResource("org/springframework/session/jdbc/schema-h2.sql"))
			.execute(dataSource);
		JdbcIndexedSessionRepository repository = new JdbcIndexedSessionRepository(new JdbcTemplate(dataSource),
				new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
		return new RepositoryDriver<>(repository, () -> {
			dataSource.close();
			if (dir != null) {
				delete(dir);
			}
		});
	}

	private static void delete(Path dir) throws IOException {
		try (Stream<Path> paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
	}

	private static RepositoryDriver<?> memoized(Path parent, Coherence coherence) throws IOException {
		Path dir = Files.createTempDirectory(parent, "memoized-store-benchmark-");
		FileSessionStore fileStore = new FileSessionStore(dir, FileFormat.BINARY, false);
		MemoizedSessionStore store = new MemoizedSessionStore(fileStore,
				new MemorySessionStore(64L * 1024 * 1024, 100_000, 0.9, Clock.systemUTC()), coherence);
		FileSessionLockManager locks = (coherence == Coherence.EXCLUSIVE)
				? FileSessionLockManager.forCache(fileStore.getDirectory()) : null;
		if (locks != null) {
			store.setLockManager(locks, Duration.ZERO);
		}
		StoreSessionRepository repository = new StoreSessionRepository(store,
				new JavaSessionSerializer(List.of(), null));
		repository.setDecodeOnLoad(true);
		return new RepositoryDriver<>(repository, () -> {
			CacheStatistics cache = store.cacheStatistics();
			System.out.printf("%n%s cache: hit ratio %.3f, %d sessions cached, %d locks held%n", coherence,
					cache.hitRatio(), cache.sessions(), cache.heldLocks());
			store.close();
			if (locks != null) {
				locks.close();
			}
			fileStore.close();
			delete(dir);
		});
	}

	private static RepositoryDriver<?> file(Path parent, FileFormat format) throws IOException {
		Path dir = Files.createTempDirectory(parent, "file-store-benchmark-");
		FileSessionStore store = new FileSessionStore(dir, format, false);
		SessionSerializer serializer = (format == FileFormat.JSON) ? new JsonSessionSerializer(List.of(), null)
				: new JavaSessionSerializer(List.of(), null);
		StoreSessionRepository repository = new StoreSessionRepository(store, serializer);
		repository.setDecodeOnLoad(true);
		return new RepositoryDriver<>(repository, () -> {
			store.close();
			delete(dir);
		});
	}

}
