package dev.sessionstarter.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The two workloads of {@link RequestCycleBenchmark} ({@code requestCycle}, a returning visitor;
 * {@code createAndSave}, a new visitor, see {@link NewVisitors}) on every selected
 * {@link Implementation}, all of them filled at once in one JVM and then run in turn, one short
 * round each, many times over. A change in the machine's load (a shared machine) then falls on
 * every implementation alike, where JMH, measuring one implementation after the other, can give
 * one of them a quiet minute and the next a busy one. The order rotates every round, and ratios
 * are taken round by round (an implementation against each of its
 * {@link Implementation#baselines() baselines} measured in the same round), then their median.
 * One thread.
 *
 * <p>What this costs in fairness elsewhere: all repositories share one JIT profile, so the calls
 * in {@link RepositoryAdapter} are megamorphic (a few nanoseconds each, alike for all), and one
 * implementation's garbage and dirty pages may be collected or written back during another's
 * round. For an implementation on disk a round is a one-second burst after many seconds of rest,
 * in which the kernel's journal and writeback have caught up: a burst figure, where JMH's is the
 * sustained one. The first {@value #WARMUP_ROUNDS} rounds are warm-up and not counted.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.sessionstarter.benchmarks.InterleavedBenchmark [rounds] [millis per round]
 * [implementations] [workloads]} (defaults 15, 1000, {@code all}, {@code requestCycle,createAndSave};
 * implementations as a comma-separated list such as {@code memory,map,file-binary-tmpfs}). The
 * on-disk implementations write under {@code -Dbenchmark.disk.dir} (default: the working
 * directory). It prints one tab-separated line per implementation and counted round on standard
 * output ({@code workload}, {@code implementation}, {@code round}, {@code ops/s},
 * {@code CPU ns/op}), which {@code report.py} turns into tables, and a summary on standard error.
 */
public final class InterleavedBenchmark {

	private static final int SESSIONS = 10_000;

	private static final int WARMUP_ROUNDS = 3;

	private static final int BATCH = 8;

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private InterleavedBenchmark() {
	}

	/**
	 * Run the benchmark.
	 * @param args {@code [rounds] [millis] [implementations] [workloads]}
	 * @throws Exception if a repository cannot be created or closed
	 */
	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 15;
		long roundNanos = ((args.length > 1) ? Long.parseLong(args[1]) : 1000) * 1_000_000;
		List<Implementation> implementations = implementations((args.length > 2) ? args[2] : "all");
		List<Workload> workloads = workloads((args.length > 3) ? args[3] : "requestCycle,createAndSave");
		Map<Implementation, Subject> subjects = new EnumMap<>(Implementation.class);
		try {
			for (Implementation implementation : implementations) {
				System.err.println("Filling " + implementation.label());
				RepositoryAdapter<?> repository = implementation.create();
				try {
					subjects.put(implementation, new Subject(repository));
				}
				catch (RuntimeException ex) {
					repository.close();
					throw ex;
				}
			}
			Map<Workload, Map<Implementation, List<double[]>>> results = new EnumMap<>(Workload.class);
			for (int round = 0; round < rounds; round++) {
				for (Workload workload : workloads) {
					for (int i = 0; i < implementations.size(); i++) {
						Implementation implementation = implementations.get((round + i) % implementations.size());
						double[] figures = run(workload, subjects.get(implementation), roundNanos);
						if (round >= WARMUP_ROUNDS) {
							results.computeIfAbsent(workload, (key) -> new EnumMap<>(Implementation.class))
								.computeIfAbsent(implementation, (key) -> new ArrayList<>())
								.add(figures);
							System.out.printf(Locale.ROOT, "%s\t%s\t%d\t%.0f\t%.0f%n", workload.label, implementation,
									round - WARMUP_ROUNDS, figures[0], figures[1]);
						}
					}
				}
				System.err.println("Round " + (round + 1) + " of " + rounds + " done");
			}
			results.forEach(InterleavedBenchmark::summarize);
		}
		finally {
			for (Subject subject : subjects.values()) {
				subject.close();
			}
		}
	}

	/**
	 * Run one round of a workload on one implementation.
	 * @return ops/s and CPU nanoseconds per operation of this thread
	 */
	private static double[] run(Workload workload, Subject subject, long nanos) {
		long cpuStart = THREADS.getCurrentThreadCpuTime();
		long start = System.nanoTime();
		long end = start + nanos;
		long operations = 0;
		long now;
		do {
			for (int i = 0; i < BATCH; i++) {
				workload.run(subject);
			}
			operations += BATCH;
			now = System.nanoTime();
		}
		while (now < end);
		long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
		return new double[] { operations * 1e9 / (now - start), (double) cpu / operations };
	}

	private static void summarize(Workload workload, Map<Implementation, List<double[]>> results) {
		System.err.printf("%n%s%n%-40s %12s %12s %16s%n", workload.label, "implementation", "median op/s",
				"CPU ns/op", "vs baseline");
		results.forEach((implementation, rounds) -> {
			List<String> ratios = new ArrayList<>();
			for (Implementation baseline : implementation.baselines()) {
				List<double[]> baselineRounds = results.get(baseline);
				if (baselineRounds != null) {
					List<Double> perRound = new ArrayList<>();
					for (int i = 0; i < rounds.size(); i++) {
						perRound.add(rounds.get(i)[0] / baselineRounds.get(i)[0]);
					}
					ratios.add(String.format(Locale.ROOT, "%.2fx %s", median(perRound), baseline));
				}
			}
			String ratio = String.join(", ", ratios);
			System.err.printf(Locale.ROOT, "%-40s %12.0f %12.0f %16s%n", implementation.label(),
					median(rounds.stream().map((figures) -> figures[0]).toList()),
					median(rounds.stream().map((figures) -> figures[1]).toList()), ratio);
		});
	}

	private static double median(List<Double> values) {
		double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	private static List<Implementation> implementations(String names) {
		if (names.equalsIgnoreCase("all")) {
			return List.of(Implementation.values());
		}
		List<Implementation> implementations = new ArrayList<>();
		for (String name : names.split(",")) {
			implementations.add(Implementation.of(name));
		}
		return implementations;
	}

	private static List<Workload> workloads(String names) {
		List<Workload> workloads = new ArrayList<>();
		for (String name : names.split(",")) {
			workloads.add(Workload.of(name));
		}
		return workloads;
	}

	/**
	 * A filled repository and the state of both workloads on it.
	 */
	private static final class Subject implements AutoCloseable {

		private final RepositoryAdapter<?> repository;

		private final String[] ids;

		private final NewVisitors newVisitors = new NewVisitors(SESSIONS);

		Subject(RepositoryAdapter<?> repository) {
			this.repository = repository;
			this.ids = repository.fill(SESSIONS, SessionShape.MEDIUM);
			if (repository.size() != SESSIONS) {
				throw new IllegalStateException(
						"Filled with " + SESSIONS + " sessions, the repository holds " + repository.size());
			}
		}

		@Override
		public void close() throws Exception {
			try {
				this.newVisitors.deleteAll(this.repository);
			}
			finally {
				this.repository.close();
			}
		}

	}

	/**
	 * The workloads, as {@link RequestCycleBenchmark} runs them.
	 */
	private enum Workload {

		REQUEST_CYCLE("requestCycle") {
			@Override
			void run(Subject subject) {
				subject.repository.requestCycle(subject.ids[ThreadLocalRandom.current().nextInt(subject.ids.length)],
						Instant.now());
			}
		},

		CREATE_AND_SAVE("createAndSave") {
			@Override
			void run(Subject subject) {
				subject.newVisitors.visit(subject.repository);
			}
		};

		private final String label;

		Workload(String label) {
			this.label = label;
		}

		abstract void run(Subject subject);

		static Workload of(String label) {
			for (Workload workload : values()) {
				if (workload.label.equalsIgnoreCase(label.trim())) {
					return workload;
				}
			}
			throw new IllegalArgumentException("Unknown workload '" + label + "'");
		}

	}

}
