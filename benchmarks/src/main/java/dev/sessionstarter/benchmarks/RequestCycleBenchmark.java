package dev.sessionstarter.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.Map;
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
 * Throughput of the session work of one HTTP request, our {@code memory} store beside Spring
 * Session's {@code MapSessionRepository}, both driven through {@code SessionRepository} by the
 * same {@link RepositoryAdapter} code.
 *
 * <p>Every trial starts from a repository holding {@link #sessions} (10,000) sessions of the
 * {@link SessionShape#MEDIUM} shape (user name, counter, locale, a three-item cart list, last
 * page; every third one logged in with a principal name). The memory store's bound is far above
 * that, so it evicts nothing (checked at tear-down).
 * <ul>
 * <li>{@link #requestCycle()} models a returning visitor: pick an existing session id at
 * random, {@code findById}, {@code setLastAccessedTime(now)} (as {@code SessionRepositoryFilter}
 * does), read the {@code counter} attribute, write it back incremented, {@code save}. For our
 * store that is a decode of one value, an encode of one value and a merge of the two-field delta
 * into the stored record; for the map it is two copies of the whole {@code MapSession}.</li>
 * <li>{@link #createAndSave(RecentSessions)} models a new visitor: {@code createSession}, set
 * the medium-shape attributes (taken from a pool made at set-up, so the benchmark does not
 * measure building them), {@code save}, and then {@code deleteById} of the session this thread
 * created {@link RecentSessions#WINDOW} (1,024) invocations earlier, so the repository stays
 * between 10,000 and 10,000 + 1,024 per thread sessions instead of growing without bound. One
 * operation is therefore a create, a save and a delete.</li>
 * </ul>
 * With more than one thread, two threads may pick the same session at once: the map then loses
 * one of the two increments (last save wins), our store keeps both deltas merged; neither is
 * checked here.
 *
 * <p>Besides ops/s, each benchmark reports the CPU time of its threads and the operations they ran
 * ({@link CpuTime}): on a machine whose cores other processes share, CPU nanoseconds per operation
 * is the steadier figure.
 *
 * <p>Run it with the shaded jar ({@code benchmarks/run.sh} does all of this and writes the
 * table): {@code java -jar benchmarks/target/benchmarks.jar RequestCycleBenchmark -t 1}, and
 * again with {@code -t 2}; {@code -p implementation=MEMORY} runs one implementation only.
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

	Map<String, Object>[] newSessionAttributes;

	/**
	 * Create the repository and fill it.
	 */
	@Setup(Level.Trial)
	@SuppressWarnings("unchecked")
	public void createSessions() {
		this.repository = this.implementation.create();
		this.ids = new String[this.sessions];
		for (int i = 0; i < this.sessions; i++) {
			this.ids[i] = this.repository.createAndSave(SessionShape.MEDIUM.attributes(i, i % 3 == 0));
		}
		this.newSessionAttributes = new Map[RecentSessions.WINDOW];
		for (int i = 0; i < this.newSessionAttributes.length; i++) {
			int visitor = this.sessions + i;
			this.newSessionAttributes[i] = SessionShape.MEDIUM.attributes(visitor, visitor % 3 == 0);
		}
	}

	/**
	 * Fail the trial if the repository lost sessions it should hold (an eviction would make the
	 * figures incomparable).
	 */
	@TearDown(Level.Trial)
	public void checkNothingWasEvicted() {
		for (String id : this.ids) {
			this.repository.requestCycle(id, Instant.now());
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
		String id = this.repository.createAndSave(this.newSessionAttributes[recent.next]);
		String oldest = recent.replace(id);
		if (oldest != null) {
			this.repository.delete(oldest);
		}
		return id;
	}

	/**
	 * The ids of the sessions one thread created lately, oldest first.
	 */
	@State(Scope.Thread)
	public static class RecentSessions {

		/** How many sessions a thread keeps before deleting its oldest. */
		static final int WINDOW = 1024;

		final String[] ids = new String[WINDOW];

		int next;

		/**
		 * Delete what this thread created and still holds, so a trial leaves the repository as
		 * it found it.
		 * @param benchmark the benchmark state
		 */
		@TearDown(Level.Trial)
		public void deleteAll(RequestCycleBenchmark benchmark) {
			for (String id : this.ids) {
				if (id != null) {
					benchmark.repository.delete(id);
				}
			}
		}

		String replace(String id) {
			String oldest = this.ids[this.next];
			this.ids[this.next] = id;
			this.next = (this.next + 1) % WINDOW;
			return oldest;
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
