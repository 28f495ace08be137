package dev.sessionstarter.store.memoized;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.sessionstarter.ChildJvm;
import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.file.FileSessionLockManager;
import dev.sessionstarter.store.file.FileSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * The main class of the child JVMs that {@link MemoizedExclusiveFileProcessTests} starts, second
 * processes on the same session directory.
 * <ul>
 * <li>{@code trylock <dir> <id>...}: tries to take the cache file lock of each id for 200ms (as
 * its own exclusive cache would), prints {@code locked} or {@code busy} for each, releases what
 * it took and stops.</li>
 * <li>{@code hammer <dir> <count> <seconds>}: over a binary file store in {@code dir}, a memoized
 * store in exclusive coherence with the directory's cache locks takes the sessions already there
 * and creates more up to {@code count}; once each has been saved twice more (so its file is
 * mapped) it prints {@code <id> <counter>} for each, then
 * {@code ready <cache locks held> <files mapped>}, and saves random sessions with a larger
 * {@code counter} and a {@code value} of varying size, some large enough that the session
 * outgrows its file, until killed or for at most {@code seconds}.</li>
 * </ul>
 */
public final class MemoizedChildProcess {

	static final String COUNTER = "counter";

	private MemoizedChildProcess() {
	}

	public static void main(String[] args) throws Exception {
		Path dir = Path.of(args[1]);
		switch (args[0]) {
			case "trylock" -> tryLock(dir, List.of(args).subList(2, args.length));
			case "hammer" -> hammer(dir, Integer.parseInt(args[2]), Long.parseLong(args[3]));
			default -> throw new IllegalArgumentException(args[0]);
		}
	}

	private static void tryLock(Path dir, List<String> ids) throws InterruptedException {
		try (FileSessionLockManager locks = FileSessionLockManager.forCache(dir)) {
			for (String id : ids) {
				SessionLock lock = locks.tryLock(id, Duration.ofMillis(200));
				System.out.println((lock != null) ? "locked" : "busy");
				if (lock != null) {
					lock.release();
				}
			}
		}
	}

	private static void hammer(Path dir, int count, long seconds) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
		try (FileSessionStore files = new FileSessionStore(dir, FileFormat.BINARY, false);
				FileSessionLockManager locks = FileSessionLockManager.forCache(files.getDirectory());
				MemoizedSessionStore store = new MemoizedSessionStore(files,
						new MemorySessionStore(256L * 1024 * 1024, 10L * count, 0.5, Clock.systemUTC()),
						Coherence.EXCLUSIVE)) {
			store.setLockManager(locks, Duration.ZERO);
			StoreSessionRepository repository = new StoreSessionRepository(store,
					new JavaSessionSerializer(List.of(), null));
			repository.setDefaultMaxInactiveInterval(Duration.ofHours(1));
			List<String> ids = sessionIds(dir);
			while (ids.size() < count) {
				StoredSession session = repository.createSession();
				session.setAttribute(COUNTER, 0L);
				repository.save(session);
				ids.add(session.getId());
			}
			List<String> acknowledged = new ArrayList<>();
			for (String id : ids) {
				change(repository, id, true);
				// small, so the file is mapped again if the first save replaced it
				acknowledged.add(id + " " + change(repository, id, false));
			}
			acknowledged.forEach(System.out::println);
			System.out.println("ready " + store.cacheStatistics().heldLocks() + " " + MemoizedTestSupport.mappings(files));
			System.out.flush();
			ThreadLocalRandom random = ThreadLocalRandom.current();
			while (System.nanoTime() < deadline) {
				change(repository, ids.get(random.nextInt(ids.size())), true);
			}
		}
	}

	/**
	 * Increment a session's counter and give it a value of random size: mostly small, one save
	 * in eight large and growing with the counter (if allowed), so sessions keep outgrowing
	 * their files.
	 * @return the counter saved
	 */
	private static long change(StoreSessionRepository repository, String id, boolean large) {
		StoredSession session = repository.findById(id);
		if (session == null) {
			throw new IllegalStateException("Session " + id + " is gone");
		}
		long counter = session.<Long>getAttribute(COUNTER) + 1;
		ThreadLocalRandom random = ThreadLocalRandom.current();
		int size = (large && random.nextInt(8) == 0) ? 512 * (int) (1 + counter / 2) + random.nextInt(512) : random.nextInt(200);
		session.setAttribute(COUNTER, counter);
		session.setAttribute("value", "v".repeat(size));
		repository.save(session);
		return counter;
	}

	private static List<String> sessionIds(Path dir) throws Exception {
		try (Stream<Path> paths = Files.list(dir)) {
			return paths.map((path) -> path.getFileName().toString())
				.filter((name) -> name.endsWith(".session"))
				.map((name) -> name.substring(0, name.length() - ".session".length()))
				.sorted()
				.collect(ArrayList::new, ArrayList::add, ArrayList::addAll);
		}
	}


	/**
	 * Run {@code trylock} in a child JVM on the test classpath and return its answer for each
	 * id, {@code locked} or {@code busy}.
	 * @param dir the session directory
	 * @param ids the session ids
	 * @return one answer per id
	 * @throws IOException if the child cannot be started
	 * @throws InterruptedException if the wait is interrupted
	 */
	public static List<String> tryLockInAnotherProcess(Path dir, String... ids) throws IOException, InterruptedException {
		List<String> command = ChildJvm.command(List.of(), MemoizedChildProcess.class, "trylock", dir.toString());
		command.addAll(List.of(ids));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		try {
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException("The child process did not finish in 60 seconds");
			}
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (process.exitValue() != 0) {
				throw new IllegalStateException("The child process failed: " + output);
			}
			return output.lines().filter((line) -> line.equals("locked") || line.equals("busy")).toList();
		}
		finally {
			process.destroyForcibly();
		}
	}

}
