package dev.sessionstarter.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.management.OperatingSystemMXBean;

import dev.sessionstarter.lock.MemorySessionLockManager;
import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.file.FileSessionLockManager;
import dev.sessionstarter.store.file.FileSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * What one request's session work costs a store in CPU time, without HTTP: {@code threads}
 * threads run {@code cycles} request cycles over 1,000 sessions (take the store's native request
 * lock, find the session, read its counter and, in the {@code write} workload, increment it,
 * save, release the lock; save period 1 minute, so a {@code read} cycle writes nothing), in four
 * rounds, and print the process's CPU time per cycle and the slowest cycle of each round. CPU time
 * varies less with the load of a shared machine than throughput does; count system calls by
 * running it under {@code strace -f -c}.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.sessionstarter.benchmarks.RequestCycleCheck
 * file write 16 100000 /dev/shm} (store {@code file} or {@code memory}, workload {@code write} or
 * {@code read}).
 */
public final class RequestCycleCheck {

	private static final int SESSIONS = 1000;

	private RequestCycleCheck() {
	}

	public static void main(String[] args) throws Exception {
		boolean file = args[0].equals("file");
		boolean write = args[1].equals("write");
		int threads = Integer.parseInt(args[2]);
		long cycles = Long.parseLong(args[3]);
		SessionStore store;
		SessionLockManager locks;
		if (file) {
			FileSessionStore fileStore = new FileSessionStore(
					Files.createTempDirectory(Path.of((args.length > 4) ? args[4] : "/dev/shm"), "request-cycle-"),
					FileFormat.BINARY, false);
			store = fileStore;
			locks = new FileSessionLockManager(fileStore);
		}
		else {
			store = new MemorySessionStore(64L << 20, 0.75, Clock.systemUTC());
			locks = new MemorySessionLockManager();
		}
		StoreSessionRepository repository = new StoreSessionRepository(store,
				new JavaSessionSerializer(List.of(), null));
		repository.setSavePeriod(Duration.ofMinutes(1));
		String[] ids = new String[SESSIONS];
		for (int i = 0; i < SESSIONS; i++) {
			StoredSession session = repository.createSession();
			session.setAttribute("count", 0);
			repository.save(session);
			ids[i] = session.getId();
		}
		OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
		for (int round = 1; round <= 4; round++) {
			AtomicLong next = new AtomicLong();
			AtomicLong slowest = new AtomicLong();
			long cpu = os.getProcessCpuTime();
			Thread[] workers = new Thread[threads];
			for (int t = 0; t < threads; t++) {
				workers[t] = new Thread(() -> {
					for (long i = next.getAndIncrement(); i < cycles; i = next.getAndIncrement()) {
						long start = System.nanoTime();
						cycle(repository, locks, ids[(int) (i % SESSIONS)], write);
						slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
					}
				});
				workers[t].start();
			}
			for (Thread worker : workers) {
				worker.join();
			}
			System.out.printf("%s %s round %d: %d ns CPU a cycle, slowest cycle %.1f ms%n", args[0], args[1], round,
					(os.getProcessCpuTime() - cpu) / Math.max(1, cycles), slowest.get() / 1e6);
		}
		System.exit(0);
	}

	private static void cycle(StoreSessionRepository repository, SessionLockManager locks, String id, boolean write) {
		try (SessionLock lock = locks.tryLock(id, Duration.ofSeconds(10))) {
			if (lock == null) {
				throw new IllegalStateException("No lock on " + id + " within 10s");
			}
			StoredSession session = repository.findById(id);
			int count = session.<Integer>getAttribute("count");
			if (write) {
				session.setAttribute("count", count + 1);
			}
			repository.save(session);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
