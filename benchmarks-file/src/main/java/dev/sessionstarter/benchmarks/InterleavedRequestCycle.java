package dev.sessionstarter.benchmarks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The request cycle of {@link FileStoreRequestCycleBenchmark}, run on every {@link Target} in
 * turn, one short round each, many times over, so that a change in the machine's load (a shared
 * machine) falls on every target alike; it prints the median throughput of each target and
 * its ratio to {@link Target#JDBC_H2}. JMH measures one target after the other, which on a
 * busy machine can skew a ratio; this complements it.
 *
 * <p>Run: {@code java -cp benchmarks-file/target/benchmarks-file.jar
 * dev.sessionstarter.benchmarks.InterleavedRequestCycle [rounds] [millis per round]}
 * (defaults 15 and 1000; the first 3 rounds are warm-up and not counted).
 */
public final class InterleavedRequestCycle {

	private static final int SESSIONS = 10_000;

	private static final int WARMUP_ROUNDS = 3;

	private InterleavedRequestCycle() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 15;
		long roundNanos = ((args.length > 1) ? Long.parseLong(args[1]) : 1000) * 1_000_000;
		Map<Target, RepositoryDriver<?>> drivers = new EnumMap<>(Target.class);
		Map<Target, String[]> ids = new EnumMap<>(Target.class);
		Map<Target, List<Double>> results = new EnumMap<>(Target.class);
		for (Target target : Target.values()) {
			RepositoryDriver<?> driver = target.create();
			String[] sessionIds = new String[SESSIONS];
			for (int i = 0; i < SESSIONS; i++) {
				sessionIds[i] = driver.createAndSave(RepositoryDriver.mediumSession(i, i % 3 == 0));
			}
			drivers.put(target, driver);
			ids.put(target, sessionIds);
			results.put(target, new ArrayList<>());
		}
		try {
			Target[] targets = Target.values();
			for (int round = 0; round < rounds; round++) {
				for (int i = 0; i < targets.length; i++) {
					Target target = targets[(round + i) % targets.length];
					double rate = run(drivers.get(target), ids.get(target), roundNanos);
					if (round >= WARMUP_ROUNDS) {
						results.get(target).add(rate);
					}
				}
			}
		}
		finally {
			for (RepositoryDriver<?> driver : drivers.values()) {
				driver.close();
			}
		}
		double jdbc = median(results.get(Target.JDBC_H2));
		System.out.printf("%-18s %12s %12s %12s %10s%n", "target", "median op/s", "min op/s", "max op/s", "vs JDBC_H2");
		results.forEach((target, rates) -> System.out.printf("%-18s %12.0f %12.0f %12.0f %9.2fx%n", target,
				median(rates), rates.stream().mapToDouble(Double::doubleValue).min().orElse(0),
				rates.stream().mapToDouble(Double::doubleValue).max().orElse(0), median(rates) / jdbc));
	}

	private static double run(RepositoryDriver<?> driver, String[] ids, long nanos) {
		long start = System.nanoTime();
		long end = start + nanos;
		long operations = 0;
		long now;
		do {
			driver.requestCycle(ids[ThreadLocalRandom.current().nextInt(ids.length)], Instant.now());
			operations++;
			now = System.nanoTime();
		}
		while (now < end);
		return operations * 1e9 / (now - start);
	}

	private static double median(List<Double> values) {
		double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

}
