package dev.sessionstarter.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;

import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.StoreUsage;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * Checks that the {@code memory} store's byte bound is a bound on the heap it really retains:
 * it fills a store far past its bound and compares the heap the store holds after a full GC
 * with the bound. The requirement: retained heap at most 15% above {@code max-size}, and at least
 * half of it (a store that counts too high wastes the memory it was given).
 *
 * <p>For each {@link SessionShape}: measure the used heap after GC, create a repository over a
 * {@link MemorySessionStore} (bound {@code maxMB}, reduce-to 0.75), create and save sessions
 * (every fourth logged in, with its own principal name) until {@code factor} times as many as the
 * store first held before it had to evict, measure the used heap after GC again while the store
 * is still reachable. The difference is the heap the store retains.
 *
 * <p>A store that evicts keeps between {@code reduce-to} (0.75) of its bound and the whole bound,
 * as counted by its byte total, so where in that cycle the filling stops decides the measured
 * retained / bound. The check therefore also takes retained / counted (how the real heap relates
 * to the store's own count, which does not depend on the phase) and applies the requirement over
 * the whole cycle: {@code 0.75 * retained/counted >= 0.5} and {@code retained/counted <= 1.15}.
 *
 * <p>Between samples it calls
 * {@link System#gc()} several times with a short sleep, so run it with a collector that honours
 * that (any HotSpot collector does unless {@code -XX:+DisableExplicitGC} is set).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.sessionstarter.benchmarks.HeapCheck
 * [maxMB=32] [shape=all|small|medium|large|flags] [factor=10]}. It prints a Markdown table and exits
 * with status 1 if any shape misses the requirement.
 */
public final class HeapCheck {

	private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

	private static final double REDUCE_TO = 0.75;

	private HeapCheck() {
	}

	/**
	 * Run the check.
	 * @param args {@code [maxMB] [shape] [factor]}
	 * @throws InterruptedException if interrupted while waiting for the GC
	 */
	public static void main(String[] args) throws InterruptedException {
		long maxBytes = ((args.length > 0) ? Long.parseLong(args[0]) : 32) * 1024 * 1024;
		String shapeArg = (args.length > 1) ? args[1] : "all";
		int factor = (args.length > 2) ? Integer.parseInt(args[2]) : 10;
		List<SessionShape> shapes = new ArrayList<>();
		for (SessionShape shape : SessionShape.values()) {
			if (shapeArg.equalsIgnoreCase("all") || shapeArg.equalsIgnoreCase(shape.name())) {
				shapes.add(shape);
			}
		}
		if (shapes.isEmpty()) {
			throw new IllegalArgumentException("Unknown shape '" + shapeArg + "'");
		}
		System.out.println("| shape | inserted | kept | logged in kept | bound (B) | counted (B) | retained heap (B) "
				+ "| retained / bound | retained / counted | retained / bound over the reduce cycle "
				+ "| B per session | result |");
		System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
		boolean allPass = true;
		for (SessionShape shape : shapes) {
			allPass &= check(shape, maxBytes, factor);
		}
		System.exit(allPass ? 0 : 1);
	}

	private static boolean check(SessionShape shape, long maxBytes, int factor) throws InterruptedException {
		fill(newRepository(maxBytes), shape, 2000, 1);
		long baseline = usedHeapAfterGc();
		StoreSessionRepository repository = newRepository(maxBytes);
		int inserted = fill(repository, shape, 0, factor);
		long retained = usedHeapAfterGc() - baseline;
		StoreUsage usage = repository.getStore().usage();
		Reference.reachabilityFence(repository);
		long loggedIn = loggedInSessions(repository, inserted);
		double ratio = (double) retained / maxBytes;
		double perCounted = (double) retained / usage.bytes();
		double low = REDUCE_TO * perCounted;
		boolean pass = ratio <= 1.15 && ratio >= 0.5 && perCounted <= 1.15 && low >= 0.5;
		System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d | %.3f | %.3f | %.2f–%.2f | %d | %s |%n",
				shape.name().toLowerCase(Locale.ROOT), inserted, usage.sessions(), loggedIn, maxBytes, usage.bytes(),
				retained, ratio, perCounted, low, perCounted, retained / Math.max(1, usage.sessions()),
				pass ? "PASS" : "FAIL");
		return pass;
	}

	private static StoreSessionRepository newRepository(long maxBytes) {
		return new StoreSessionRepository(new MemorySessionStore(maxBytes, REDUCE_TO, Clock.systemUTC()),
				new JavaSessionSerializer(List.of(), null));
	}

	/**
	 * Create sessions until {@code factor} times the number the store held when it first evicted
	 * (or {@code limit} sessions, when {@code limit} is positive).
	 * @return the number created
	 */
	private static int fill(StoreSessionRepository repository, SessionShape shape, int limit, int factor) {
		int capacity = 0;
		for (int i = 0;; i++) {
			if ((limit > 0 && i >= limit) || (capacity > 0 && i >= capacity * factor)) {
				return i;
			}
			Session session = repository.createSession();
			shape.attributes(i, i % 4 == 0).forEach(session::setAttribute);
			repository.save((StoredSession) session);
			if (capacity == 0 && repository.getStore().usage().sessions() <= i) {
				capacity = i + 1;
			}
		}
	}

	private static long loggedInSessions(StoreSessionRepository repository, int inserted) {
		long count = 0;
		for (int i = 0; i < inserted; i += 4) {
			count += repository
				.findByIndexNameAndIndexValue(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "user-" + i)
				.size();
		}
		return count;
	}

	private static long usedHeapAfterGc() throws InterruptedException {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 4; i++) {
			System.gc();
			Thread.sleep(200);
			used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
		}
		return used;
	}

}
