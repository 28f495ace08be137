package dev.sessionstarter.store.memoized;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.ChildJvm;
import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.file.FileSessionLockManager;
import dev.sessionstarter.store.file.FileSessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exclusive coherence over the file store when its JVM is killed: a child JVM (see
 * {@link MemoizedChildProcess}) saves sessions through their mapped files, without the record
 * lock, and is killed with SIGKILL in the middle, three times over on one directory. Every
 * session file must stay readable and hold every save acknowledged before the kill, and the OS
 * must have released every cache lock.
 */
class MemoizedExclusiveFileKillTests {

	private static final int SESSIONS = 200;

	private static final int RUNS = 3;

	private static final long READY_TIMEOUT_SECONDS = 60;

	@TempDir
	Path dir;

	@Test
	@Timeout(300)
	void killingAJvmThatSavesThroughMappedFilesLosesNoAcknowledgedSaveAndLeavesNoLock() throws Exception {
		Map<String, Long> acknowledged = new HashMap<>();
		for (int run = 0; run < RUNS; run++) {
			Process child = start("hammer", this.dir.toString(), Integer.toString(SESSIONS), "60");
			try {
				BlockingQueue<String> lines = lines(child);
				String line;
				while ((line = lines.poll(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS)) != null && !line.startsWith("ready")) {
					String[] idAndCounter = line.split(" ");
					if (idAndCounter.length == 2 && idAndCounter[1].chars().allMatch(Character::isDigit)) {
						Long before = acknowledged.put(idAndCounter[0], Long.parseLong(idAndCounter[1]));
						assertThat(before).as("counter of %s before run %d", idAndCounter[0], run)
							.isNull();
					}
				}
				assertThat(line).as("run %d ready", run).isNotNull();
				assertThat(line).as("every session cached, locked and mapped in run %d", run)
					.isEqualTo("ready " + SESSIONS + " " + SESSIONS);
				Thread.sleep(300 + 100L * run);
				child.destroyForcibly();
				assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child of run %d died", run).isTrue();
			}
			finally {
				child.destroyForcibly();
			}
			assertThat(acknowledged).hasSize(SESSIONS);
			Map<String, Long> stored = storedCounters();
			assertThat(stored.keySet()).as("sessions after run %d", run).isEqualTo(acknowledged.keySet());
			long saves = 0;
			for (Map.Entry<String, Long> entry : acknowledged.entrySet()) {
				long counter = stored.get(entry.getKey());
				assertThat(counter).as("counter of %s after run %d", entry.getKey(), run)
					.isGreaterThanOrEqualTo(entry.getValue());
				saves += counter - entry.getValue();
			}
			System.out.println("Run " + run + ": " + saves + " saves found after ready");
			assertNoCacheLockIsHeld(stored.keySet());
			acknowledged.clear();
		}
		try (Stream<Path> files = Files.list(this.dir)) {
			assertThat(files.filter((path) -> path.getFileName().toString().endsWith(".session"))
				.anyMatch((path) -> size(path) > 1024)).as("a session outgrew its first file").isTrue();
		}
	}

	/**
	 * Read every session file with a new file store, which must find each one whole.
	 */
	private Map<String, Long> storedCounters() throws IOException {
		Map<String, Long> counters = new HashMap<>();
		try (FileSessionStore files = new FileSessionStore(this.dir, FileFormat.BINARY, false)) {
			StoreSessionRepository repository = new StoreSessionRepository(files,
					new JavaSessionSerializer(List.of(), null));
			List<String> ids;
			try (Stream<Path> paths = Files.list(this.dir)) {
				ids = paths.map((path) -> path.getFileName().toString())
					.filter((name) -> name.endsWith(".session"))
					.map((name) -> name.substring(0, name.length() - ".session".length()))
					.toList();
			}
			for (String id : ids) {
				assertThat(files.find(id)).as("record of %s", id).isNotNull();
				StoredSession session = repository.findById(id);
				assertThat(session).as("session %s", id).isNotNull();
				counters.put(id, session.<Long>getAttribute(MemoizedChildProcess.COUNTER));
			}
			assertThat(files.quarantined()).isZero();
		}
		Path quarantine = this.dir.resolve(".quarantine");
		if (Files.exists(quarantine)) {
			try (Stream<Path> quarantined = Files.list(quarantine)) {
				assertThat(quarantined).as("quarantined files").isEmpty();
			}
		}
		return counters;
	}

	private void assertNoCacheLockIsHeld(Iterable<String> ids) throws InterruptedException {
		List<SessionLock> taken = new ArrayList<>();
		try (FileSessionLockManager locks = FileSessionLockManager.forCache(this.dir)) {
			try {
				for (String id : ids) {
					SessionLock lock = locks.tryLock(id, Duration.ofSeconds(2));
					assertThat(lock).as("cache lock of %s", id).isNotNull();
					taken.add(lock);
				}
			}
			finally {
				taken.forEach(SessionLock::release);
			}
		}
	}

	private static long size(Path path) {
		try {
			return Files.size(path);
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private Process start(String... args) throws IOException {
		List<String> command = ChildJvm.command(List.of("-XX:TieredStopAtLevel=1"), MemoizedChildProcess.class, args);
		return new ProcessBuilder(command).redirectErrorStream(true).start();
	}

	/**
	 * Read a process's output on a daemon thread, so the child never blocks on a full pipe.
	 */
	private static BlockingQueue<String> lines(Process process) {
		BlockingQueue<String> lines = new LinkedBlockingQueue<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader output = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = output.readLine()) != null) {
					lines.add(line);
				}
			}
			catch (IOException ex) {
				// the process died
			}
		}, "child-output");
		reader.setDaemon(true);
		reader.start();
		return lines;
	}

}
