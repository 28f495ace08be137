package dev.sessionstarter.benchmarks;

import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of the session work of one HTTP request of a returning visitor, our {@code file}
 * store (binary and JSON files, on tmpfs and on disk) beside the {@code memoized} store over it
 * (validate and exclusive coherence), our {@code memory} store and Spring Session's
 * {@code JdbcIndexedSessionRepository} on an embedded in-memory H2 database, all driven through
 * {@code SessionRepository} by the same {@link RepositoryDriver} code in one run.
 *
 * <p>Every trial starts from a repository holding {@link #sessions} sessions of a medium shape
 * (user name, counter, locale, a three-item cart list, last page; every third one logged in with
 * a principal name). One operation picks an existing session id at random, {@code findById},
 * {@code setLastAccessedTime(now)} (as {@code SessionRepositoryFilter} does), reads the
 * {@code counter} attribute, writes it back incremented and {@code save}s: for the file store a
 * read of the file, then under the session's OS lock a read, merge and atomic rewrite (temp file
 * and rename, no fsync, the default); for JDBC a select of the session and its attributes and,
 * in one transaction, an update of the session row and of the changed attribute row.
 *
 * <p>Run: {@code ./mvnw -B -q -pl benchmarks-file -am package -DskipTests} then
 * {@code java -jar benchmarks-file/target/benchmarks-file.jar FileStoreRequestCycleBenchmark}
 * ({@code -p target=FILE_BINARY_TMPFS,JDBC_H2} for a subset). tmpfs is {@code /dev/shm};
 * the disk directory is {@code -Dbenchmark.disk.dir} (default: the working directory), passed
 * to the forked JVM with {@code -jvmArgsAppend}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@State(Scope.Benchmark)
public class FileStoreRequestCycleBenchmark {

	/** The repository under test. */
	@Param
	public Target target;

	/** How many sessions the repository holds before a trial starts. */
	@Param("10000")
	public int sessions;

	RepositoryDriver<?> repository;

	String[] ids;

	/**
	 * Create the repository and fill it.
	 * @throws Exception if the repository cannot be created
	 */
	@Setup(Level.Trial)
	public void createSessions() throws Exception {
		this.repository = this.target.create();
		this.ids = new String[this.sessions];
		for (int i = 0; i < this.sessions; i++) {
			this.ids[i] = this.repository.createAndSave(RepositoryDriver.mediumSession(i, i % 3 == 0));
		}
	}

	/**
	 * Close the repository and delete what it wrote.
	 * @throws Exception if it cannot be cleaned up
	 */
	@TearDown(Level.Trial)
	public void close() throws Exception {
		this.repository.close();
	}

	/**
	 * One request of a returning visitor.
	 * @return the counter written, so the work is not optimized away
	 */
	@Benchmark
	public int requestCycle() {
		String id = this.ids[ThreadLocalRandom.current().nextInt(this.ids.length)];
		return this.repository.requestCycle(id, Instant.now());
	}

}
