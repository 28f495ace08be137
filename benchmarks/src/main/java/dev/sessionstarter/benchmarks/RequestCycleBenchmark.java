package dev.sessionstarter.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.AuxCounters;
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
 * Throughput of the session work of one HTTP request, every {@link Implementation} (our stores
 * and Spring Session's repositories) driven through {@code SessionRepository} by the same
 * {@link RepositoryAdapter} code, one JMH trial per implementation in a fresh JVM.
 *
 * <p>Every trial starts from a repository holding {@link #sessions} (10,000) sessions of the
 * {@link SessionShape#MEDIUM} shape (user name, counter, locale, a three-item cart list, last
 * page; every third one logged in with a principal name). The memory store's bound is far above
 * that, so it evicts nothing (checked at tear-down).
 * <ul>
 * <li>{@link #requestCycle(CpuTime)} models a returning visitor: pick an existing session id at
 * random, {@code findById}, {@code setLastAccessedTime(now)} (as {@code SessionRepositoryFilter}
 * does), read the {@code counter} attribute, write it back incremented, {@code save}. For our
 * memory store that is a decode of one value, an encode of one value and a merge of the
 * two-field delta into the stored record; for the map two copies of the whole
 * {@code MapSession}; for the file store a read of the file, then under the session's OS lock a
 * read, merge and atomic rewrite (temp file and rename, no fsync); for JDBC a select of the
 * session and its attributes and, in one transaction, an update of the session row and of the
 * changed attribute row.</li>
 * <li>{@link #createAndSave(RecentSessions, CpuTime)} models a new visitor ({@link NewVisitors}):
 * {@code createSession}, the medium-shape attributes, {@code save}, and {@code deleteById} of the
 * session this thread created 1,024 operations earlier. {@code run.sh} runs it over the same
 * implementations as {@code requestCycle} unless {@code CREATE_IMPLEMENTATIONS} names fewer (for
 * example leaving out the on-disk ones, whose trials each start by writing 10,000 files), the
 * knob to shorten a run.</li>
 * </ul>
 * With more than one thread, two threads may pick the same session at once: the map then loses
 * one of the two increments (last save wins), our stores keep both deltas merged; neither is
 * checked here.
 *
 * <p>Besides ops/s, each benchmark reports the CPU time of its threads and the operations they ran
 * ({@link CpuTime}): on a machine whose cores other processes share, CPU nanoseconds per operation
 * is the steadier figure. {@link InterleavedBenchmark} runs the same two workloads with the
 * implementations alternating in short rounds, the fairer comparison when the load changes.
 *
 * <p>Run it with the shaded jar ({@code benchmarks/run.sh} does all of this and writes the
 * table): {@code java -jar benchmarks/target/benchmarks.jar RequestCycleBenchmark -t 1}, and
 * again with {@code -t 2}; {@code -p implementation=MEMORY,MAP} runs a subset. The on-disk
 * implementations write under {@code -jvmArgsAppend -Dbenchmark.disk.dir=DIR} (default: the
 * working directory); tmpfs is {@code /dev/shm}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@State(Scope.Benchmark)
public class RequestCycleBenchmark {

	/** The repository under test. */
	@Param
	public Implementation implementation;

	/** How many sessions the repository holds before a trial starts. */
	@Param("10000")
	public int sessions;

	RepositoryAdapter<?> repository;

	String[] ids;

	/**
	 * Create the repository and fill it.
	 * @throws Exception if the repository cannot be created
	 */
	@Setup(Level.Trial)
	public void createSessions() throws Exception {
		this.repository = this.implementation.create();
		this.ids = this.repository.fill(this.sessions, SessionShape.MEDIUM);
	}

	/**
	 * Fail the trial if the repository lost sessions it should hold (an eviction would make the
	 * figures incomparable), then close it.
	 * @throws Exception if it cannot be closed
	 */
	@TearDown(Level.Trial)
	public void checkNothingWasEvictedAndClose() throws Exception {
		try {
			for (String id : this.ids) {
				this.repository.requestCycle(id, Instant.now());
			}
		}
		finally {
			this.repository.close();
		}
	}

	/**
	 * One request of a returning visitor.
	 * @param cpu this thread's CPU time counters
	 * @return the counter written, so the work is not optimized away
	 */
	@Benchmark
	public int requestCycle(CpuTime cpu) {
		cpu.operations++;
		String id = this.ids[ThreadLocalRandom.current().nextInt(this.ids.length)];
		return this.repository.requestCycle(id, Instant.now());
	}

	/**
	 * The first request of a new visitor, plus the removal of an older session.
	 * @param recent the sessions this thread created lately
	 * @param cpu this thread's CPU time counters
	 * @return the new session's id
	 */
	@Benchmark
	public String createAndSave(RecentSessions recent, CpuTime cpu) {
		cpu.operations++;
		return recent.visit(this.repository);
	}

	/**
	 * The {@link NewVisitors} workload of one benchmark thread, its visitors numbered from
	 * 10,000 (above the default fill).
	 */
	@State(Scope.Thread)
	public static class RecentSessions extends NewVisitors {

		/**
		 * Create the workload.
		 */
		public RecentSessions() {
			super(10_000);
		}

		/**
		 * Delete what this thread created and still holds, before the repository is closed.
		 * @param benchmark the benchmark state
		 */
		@TearDown(Level.Trial)
		public void deleteCreated(RequestCycleBenchmark benchmark) {
			deleteAll(benchmark.repository);
		}

	}

	/**
	 * The CPU time a benchmark thread spends per iteration and the operations it runs in it,
	 * reported as JMH secondary results {@code cpuNanos} and {@code operations} (sums over the
	 * threads). Their quotient, CPU nanoseconds per operation, hardly moves when other processes
	 * take the machine's cores, which the ops/s score does. It counts the benchmark threads
	 * only: GC and JIT threads are not in it, so an implementation that allocates more looks
	 * somewhat better by this measure than by ops/s on an idle machine.
	 */
	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.EVENTS)
	public static class CpuTime {

		private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

		/** CPU nanoseconds this thread used in the iteration. */
		public long cpuNanos;

		/** Operations this thread ran in the iteration, including those JMH does not score. */
		public long operations;

		private long start;

		/**
		 * Reset the counters and start the clock, in the benchmark thread.
		 */
		@Setup(Level.Iteration)
		public void start() {
			this.cpuNanos = 0;
			this.operations = 0;
			this.start = THREADS.getCurrentThreadCpuTime();
		}

		/**
		 * Stop the clock, in the benchmark thread.
		 */
		@TearDown(Level.Iteration)
		public void stop() {
			this.cpuNanos = THREADS.getCurrentThreadCpuTime() - this.start;
		}

	}

}
