package dev.sessionstarter.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.util.FileSystemUtils;

import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.file.FileSessionStore;

/**
 * What a purge of many expired session files costs the requests that run beside it: writes
 * {@code count} expired sessions (one 100-byte attribute each) to a new directory, then purges
 * them while another thread reads and writes one live session in a loop (a request's find and
 * save), and prints how long the purge took and the latency of those operations during it
 * (median, 99th percentile, maximum).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.sessionstarter.benchmarks.FilePurgeCheck
 * 100000 /dev/shm}
 */
public final class FilePurgeCheck {

	private FilePurgeCheck() {
	}

	public static void main(String[] args) throws Exception {
		int count = (args.length > 0) ? Integer.parseInt(args[0]) : 100_000;
		Path parent = Path.of((args.length > 1) ? args[1] : System.getProperty("java.io.tmpdir"));
		Path dir = Files.createTempDirectory(parent, "purge-check-");
		try (FileSessionStore store = new FileSessionStore(dir, FileFormat.BINARY, false)) {
			long past = Instant.now().minus(Duration.ofHours(1)).toEpochMilli();
			for (int i = 0; i < count; i++) {
				store.save(new SessionChange(UUID.randomUUID().toString(), null, true, past, past, 60_000L, false,
						null, Map.of("payload", new byte[100])));
			}
			String live = UUID.randomUUID().toString();
			long now = System.currentTimeMillis();
			store.save(new SessionChange(live, null, true, now, now, 3_600_000L, false, null,
					Map.of("payload", new byte[100])));
			AtomicBoolean purging = new AtomicBoolean(true);
			long[] latencies = new long[10_000_000];
			int[] taken = new int[1];
			Thread requests = new Thread(() -> {
				while (purging.get() && taken[0] < latencies.length) {
					long start = System.nanoTime();
					store.find(live);
					store.save(new SessionChange(live, null, false, 0, System.currentTimeMillis(), null, false, null,
							Map.of("payload", new byte[100])));
					latencies[taken[0]++] = System.nanoTime() - start;
				}
			});
			requests.start();
			long start = System.nanoTime();
			int removed = store.purgeExpired(Instant.now());
			long purge = System.nanoTime() - start;
			purging.set(false);
			requests.join();
			long[] sorted = Arrays.copyOf(latencies, taken[0]);
			Arrays.sort(sorted);
			System.out.printf("purge of %d expired session files (of %d): %d ms; %d find+save of a live session "
					+ "meanwhile: median %.2f ms, p99 %.2f ms, max %.2f ms%n", removed, count + 1, purge / 1_000_000,
					sorted.length, percentile(sorted, 0.5), percentile(sorted, 0.99), percentile(sorted, 1.0));
		}
		finally {
			FileSystemUtils.deleteRecursively(dir);
		}
	}

	private static double percentile(long[] sorted, double fraction) {
		if (sorted.length == 0) {
			return 0;
		}
		int index = (int) Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
		return sorted[Math.max(0, index)] / 1_000_000.0;
	}

}
