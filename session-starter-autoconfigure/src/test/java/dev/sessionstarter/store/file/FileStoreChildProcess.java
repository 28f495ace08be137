package dev.sessionstarter.store.file;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;

/**
 * The main class of the child JVMs that {@link FileStoreMultiProcessTests} starts: each works on
 * a shared session directory and stops by itself.
 * <ul>
 * <li>{@code count <dir> <id> <n>}: increments the attribute {@code count} of one session
 * {@code n} times, each time under the {@link FileSessionLockManager}'s lock.</li>
 * <li>{@code mark-on-go <dir> <n>}: finds a session once, prints {@code ready}, reads a session
 * id from its input, then sets the attributes {@code mark-0} to {@code mark-<n-1>} of that
 * session, one a save, without any request lock (as a JVM whose lock manager is off).</li>
 * <li>{@code save <dir> <seconds> <id>...}: saves the given sessions over and over, each save
 * setting {@code seq} and a large {@code payload} made of {@code seq}, until killed or for at
 * most {@code seconds}; prints {@code ready} after the first round.</li>
 * <li>{@code hold <dir> <seconds> <id>}: takes the lock of one session, prints {@code locked}
 * and holds it until killed or for at most {@code seconds}.</li>
 * <li>{@code count-on-go <dir> <n>}: opens the directory's locks (takes and releases one),
 * prints {@code ready}, reads a session id from its input, then does what {@code count} does.</li>
 * <li>{@code read-parallel <dir> <id> <threads>}: reads one session on that many threads at
 * once and prints {@code read <n>} with the number of whole reads, or the first failure.</li>
 * </ul>
 */
public final class FileStoreChildProcess {

	static final String PAYLOAD_UNIT = "0123456789abcdef";

	private FileStoreChildProcess() {
	}

	public static void main(String[] args) throws Exception {
		Path dir = Path.of(args[1]);
		try (FileSessionStore store = new FileSessionStore(dir, FileFormat.BINARY, false);
				FileSessionLockManager locks = new FileSessionLockManager(store)) {
			StoreSessionRepository repository = new StoreSessionRepository(store,
					new JavaSessionSerializer(List.of(), null));
			switch (args[0]) {
				case "count" -> count(repository, locks, args[2], Integer.parseInt(args[3]));
				case "mark-on-go" -> {
					repository.findById("warm-up");
					System.out.println("ready");
					System.out.flush();
					String id = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
					mark(repository, id, Integer.parseInt(args[2]));
				}
				case "save" -> save(repository, Long.parseLong(args[2]), List.of(args).subList(3, args.length));
				case "hold" -> hold(locks, Long.parseLong(args[2]), args[3]);
				case "count-on-go" -> {
					locks.tryLock("warm-up", Duration.ofSeconds(10)).release();
					System.out.println("ready");
					System.out.flush();
					String id = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
					count(repository, locks, id, Integer.parseInt(args[2]));
				}
				case "read-parallel" -> readParallel(repository, args[2], Integer.parseInt(args[3]));
				default -> throw new IllegalArgumentException(args[0]);
			}
		}
	}

	private static void count(StoreSessionRepository repository, FileSessionLockManager locks, String id, int times)
			throws InterruptedException {
		for (int i = 0; i < times; i++) {
			SessionLock lock = locks.tryLock(id, Duration.ofSeconds(60));
			if (lock == null) {
				throw new IllegalStateException("No lock on " + id + " within 60s");
			}
			try {
				StoredSession session = repository.findById(id);
				int count = session.getAttribute("count");
				session.setAttribute("count", count + 1);
				repository.save(session);
			}
			finally {
				lock.release();
			}
		}
		System.out.println("done");
	}

	private static void mark(StoreSessionRepository repository, String id, int times) {
		for (int i = 0; i < times; i++) {
			StoredSession session = repository.findById(id);
			session.setAttribute("mark-" + i, i);
			repository.save(session);
		}
		System.out.println("done");
	}

	private static void save(StoreSessionRepository repository, long seconds, List<String> ids) {
		long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
		for (long seq = 1; System.nanoTime() < deadline; seq++) {
			for (String id : ids) {
				StoredSession session = repository.findById(id);
				session.setAttribute("seq", seq);
				session.setAttribute("payload", payload(seq));
				repository.save(session);
			}
			if (seq == 1) {
				System.out.println("ready");
				System.out.flush();
			}
		}
	}

	private static void hold(FileSessionLockManager locks, long seconds, String id) throws InterruptedException {
		SessionLock lock = locks.tryLock(id, Duration.ofSeconds(10));
		if (lock == null) {
			throw new IllegalStateException("No lock on " + id);
		}
		System.out.println("locked");
		System.out.flush();
		Thread.sleep(Duration.ofSeconds(seconds).toMillis());
	}

	private static void readParallel(StoreSessionRepository repository, String id, int threads)
			throws InterruptedException {
		AtomicInteger whole = new AtomicInteger();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> readers = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			Thread reader = new Thread(() -> {
				try {
					start.await();
					StoredSession session = repository.findById(id);
					if (session != null && session.getAttribute("payload") != null) {
						whole.incrementAndGet();
					}
				}
				catch (Throwable ex) {
					failure.compareAndSet(null, ex);
				}
			});
			reader.start();
			readers.add(reader);
		}
		start.countDown();
		for (Thread reader : readers) {
			reader.join();
		}
		System.out.println((failure.get() != null) ? "failed " + failure.get() : "read " + whole.get());
	}

	static String payload(long seq) {
		return (seq + ":" + PAYLOAD_UNIT).repeat(8192);
	}

}
