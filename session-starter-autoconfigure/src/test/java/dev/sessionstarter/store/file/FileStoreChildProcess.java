package dev.sessionstarter.store.file;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
 * <li>{@code save <dir> <seconds> <id>...}: saves the given sessions over and over, each save
 * setting {@code seq} and a large {@code payload} made of {@code seq}, until killed or for at
 * most {@code seconds}; prints {@code ready} after the first round.</li>
 * <li>{@code hold <dir> <seconds> <id>}: takes the lock of one session, prints {@code locked}
 * and holds it until killed or for at most {@code seconds}.</li>
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
				case "save" -> save(repository, Long.parseLong(args[2]), List.of(args).subList(3, args.length));
				case "hold" -> hold(locks, Long.parseLong(args[2]), args[3]);
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

	static String payload(long seq) {
		return (seq + ":" + PAYLOAD_UNIT).repeat(8192);
	}

}
