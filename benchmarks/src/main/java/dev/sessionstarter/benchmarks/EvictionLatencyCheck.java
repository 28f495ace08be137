package dev.sessionstarter.benchmarks;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * What filling a {@code memory} store past its bound costs the saves that do it, without HTTP
 * around them: for each bound given (in sessions), a store whose byte bound holds about that
 * many sessions (one 100-byte attribute each) takes 1.5 times as many new sessions, and the
 * latency of every save is recorded (median, 99th percentile, maximum), with the largest number
 * of sessions one save removed, the latency of the saves that evicted, and the time the JVM
 * spent in garbage collection meanwhile (a pause lands on whichever save runs, evicting or not).
 * The {@code benchmarks/http/fill.sh} script measures the same over HTTP, where a loaded
 * machine allows it.
 *
 * <p>Run: {@code java -Xmx3g -cp benchmarks/target/benchmarks.jar
 * dev.sessionstarter.benchmarks.EvictionLatencyCheck 10000 100000 1000000}
 */
public final class EvictionLatencyCheck {

	private static final long BYTES_PER_SESSION = 520;

	private EvictionLatencyCheck() {
	}

	public static void main(String[] args) {
		String[] bounds = (args.length > 0) ? args : new String[] { "10000", "100000", "1000000" };
		for (String bound : bounds) {
			run(Integer.parseInt(bound));
		}
	}

	private static void run(int bound) {
		MemorySessionStore store = new MemorySessionStore(bound * BYTES_PER_SESSION, 0.75, Clock.systemUTC());
		int[] removed = new int[1];
		store.setRemovalListener((record, cause) -> removed[0]++);
		int saves = bound * 3 / 2;
		long[] latencies = new long[saves];
		long[] evicting = new long[saves];
		int evictingSaves = 0;
		long gcBefore = gcMillis();
		int mostRemoved = 0;
		long evicted = 0;
		for (int i = 0; i < saves; i++) {
			long now = System.currentTimeMillis();
			SessionChange change = new SessionChange(UUID.randomUUID().toString(), null, true, now, now, 1_800_000L,
					false, null, Map.of("payload", new byte[100]));
			removed[0] = 0;
			long start = System.nanoTime();
			store.save(change);
			latencies[i] = System.nanoTime() - start;
			mostRemoved = Math.max(mostRemoved, removed[0]);
			evicted += removed[0];
			if (removed[0] > 0) {
				evicting[evictingSaves++] = latencies[i];
			}
		}
		long gc = gcMillis() - gcBefore;
		Arrays.sort(latencies);
		long[] evictingSorted = Arrays.copyOf(evicting, Math.max(1, evictingSaves));
		Arrays.sort(evictingSorted);
		System.out.printf("bound of about %,d sessions: %,d saves, %,d evicted, %,d held at the end; save latency "
				+ "median %.3f ms, p99 %.3f ms, max %.3f ms; %,d saves evicted: p99 %.3f ms, max %.3f ms, "
				+ "most sessions one save removed %d; GC meanwhile %,d ms%n", bound, saves, evicted,
				store.usage().sessions(), latencies[saves / 2] / 1e6, latencies[(int) (saves * 0.99)] / 1e6,
				latencies[saves - 1] / 1e6, evictingSaves,
				evictingSorted[(int) (evictingSorted.length * 0.99)] / 1e6,
				evictingSorted[evictingSorted.length - 1] / 1e6, mostRemoved, gc);
	}

	private static long gcMillis() {
		long millis = 0;
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			millis += Math.max(0, collector.getCollectionTime());
		}
		return millis;
	}

}
