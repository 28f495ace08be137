package dev.sessionstarter.store.file;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.util.FileSystemUtils;

import dev.sessionstarter.ChildJvm;
import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the {@code file} store shared by several JVMs: real child processes (see
 * {@link FileStoreChildProcess}) on one temporary directory.
 */
class FileStoreMultiProcessTests {

	private static final int INCREMENTS = 400;

	@TempDir
	Path dir;

	private final List<Process> processes = new ArrayList<>();

	private FileSessionStore store;

	@AfterEach
	void stopProcesses() {
		this.processes.forEach(Process::destroyForcibly);
		if (this.store != null) {
			this.store.close();
		}
	}

	@Test
	@Timeout(120)
	void twoJvmsIncrementingOneSessionUnderTheFileLockManagerLoseNoUpdate() throws Exception {
		StoreSessionRepository repository = repository();
		StoredSession session = repository.createSession();
		session.setAttribute("count", 0);
		repository.save(session);

		Process first = start("count", this.dir.toString(), session.getId(), String.valueOf(INCREMENTS));
		Process second = start("count", this.dir.toString(), session.getId(), String.valueOf(INCREMENTS));
		assertThat(output(first)).contains("done");
		assertThat(output(second)).contains("done");
		assertThat(first.waitFor()).isZero();
		assertThat(second.waitFor()).isZero();

		StoredSession counted = repository().findById(session.getId());
		assertThat(counted.<Integer>getAttribute("count")).isEqualTo(2 * INCREMENTS);
	}

	@Test
	@Timeout(120)
	void aJvmSavingWithoutRequestLocksAndOneSavingUnderThemBothKeepEveryChange() throws Exception {
		StoreSessionRepository repository = repository();
		StoredSession session = repository.createSession();
		session.setAttribute("count", 0);
		repository.save(session);

		Process locked = start("count-on-go", this.dir.toString(), String.valueOf(INCREMENTS));
		Process unlocked = start("mark-on-go", this.dir.toString(), String.valueOf(INCREMENTS));
		awaitLine(locked, "ready");
		awaitLine(unlocked, "ready");
		for (Process process : List.of(locked, unlocked)) {
			process.getOutputStream().write((session.getId() + "\n").getBytes(StandardCharsets.UTF_8));
			process.getOutputStream().flush();
		}
		assertThat(output(locked)).contains("done");
		assertThat(output(unlocked)).contains("done");
		assertThat(locked.waitFor()).isZero();
		assertThat(unlocked.waitFor()).isZero();

		StoredSession saved = repository().findById(session.getId());
		assertThat(saved.<Integer>getAttribute("count")).isEqualTo(INCREMENTS);
		for (int i = 0; i < INCREMENTS; i++) {
			assertThat(saved.<Integer>getAttribute("mark-" + i)).isEqualTo(i);
		}
	}

	@Test
	@Timeout(180)
	void locksStayExclusiveBetweenJvmsAfterTheDirectoryIsDeletedAndCreatedAgain() throws Exception {
		Process before = start("count-on-go", this.dir.toString(), String.valueOf(INCREMENTS));
		awaitLine(before, "ready");
		FileSystemUtils.deleteRecursively(this.dir);
		Files.createDirectories(this.dir);
		StoreSessionRepository repository = repository();
		StoredSession session = repository.createSession();
		session.setAttribute("count", 0);
		repository.save(session);
		Process after = start("count-on-go", this.dir.toString(), String.valueOf(INCREMENTS));
		awaitLine(after, "ready");
		this.store.close();
		this.store = null;

		for (Process process : List.of(before, after)) {
			process.getOutputStream().write((session.getId() + "\n").getBytes(StandardCharsets.UTF_8));
			process.getOutputStream().flush();
		}
		assertThat(output(before)).contains("done");
		assertThat(output(after)).contains("done");

		StoredSession counted = repository().findById(session.getId());
		assertThat(counted.<Integer>getAttribute("count")).isEqualTo(2 * INCREMENTS);
	}

	@Test
	@Timeout(120)
	void killingAJvmWhileItSavesLeavesEverySessionFileWholeAndConsistent() throws Exception {
		StoreSessionRepository repository = repository();
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			StoredSession session = repository.createSession();
			session.setAttribute("seq", 0L);
			session.setAttribute("payload", FileStoreChildProcess.payload(0));
			repository.save(session);
			ids.add(session.getId());
		}
		for (int round = 0; round < 3; round++) {
			List<String> command = new ArrayList<>(List.of("save", this.dir.toString(), "60"));
			command.addAll(ids);
			Process child = start(command.toArray(new String[0]));
			BufferedReader output = reader(child);
			String line;
			while ((line = output.readLine()) != null && !line.equals("ready")) {
				// skip log output
			}
			assertThat(line).isEqualTo("ready");
			Thread.sleep(100 + 150L * round);
			child.destroyForcibly();
			assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
			long progress = 0;

			FileSessionStore check = new FileSessionStore(this.dir, FileFormat.BINARY, false);
			try {
				StoreSessionRepository reader = new StoreSessionRepository(check,
						new JavaSessionSerializer(List.of(), null));
				for (String id : ids) {
					StoredSession session = reader.findById(id);
					assertThat(session).as("session %s after kill %d", id, round).isNotNull();
					long seq = session.getAttribute("seq");
					assertThat(session.<String>getAttribute("payload")).isEqualTo(FileStoreChildProcess.payload(seq));
					progress = Math.max(progress, seq);
				}
				assertThat(check.quarantined()).isZero();
				assertThat(progress).as("saves before the kill").isGreaterThan(1);
			}
			finally {
				check.close();
			}
		}
		try (Stream<Path> files = Files.list(this.dir)) {
			assertThat(files.map((path) -> path.getFileName().toString()).filter((name) -> name.endsWith(".session")))
				.hasSize(3);
		}
	}

	@Test
	@Timeout(120)
	void lockHeldByAnotherJvmIsExclusiveAndFreedWhenThatJvmIsKilled() throws Exception {
		Process holder = start("hold", this.dir.toString(), "60", "session-1");
		BufferedReader output = reader(holder);
		String line;
		while ((line = output.readLine()) != null && !line.equals("locked")) {
			// skip log output
		}
		assertThat(line).isEqualTo("locked");
		try (FileSessionLockManager locks = new FileSessionLockManager(this.dir)) {
			assertThat(locks.tryLock("session-1", Duration.ofMillis(200))).isNull();
			SessionLock other = locks.tryLock("session-2", Duration.ofSeconds(5));
			assertThat(other).isNotNull();
			other.release();

			holder.destroyForcibly();
			assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();

			SessionLock lock = locks.tryLock("session-1", Duration.ofSeconds(10));
			assertThat(lock).isNotNull();
			lock.release();
		}
	}

	private StoreSessionRepository repository() {
		if (this.store == null) {
			this.store = new FileSessionStore(this.dir, FileFormat.BINARY, false);
		}
		StoreSessionRepository repository = new StoreSessionRepository(this.store,
				new JavaSessionSerializer(List.of(), null));
		repository.setDefaultMaxInactiveInterval(Duration.ofHours(1));
		return repository;
	}

	private Process start(String... args) throws IOException {
		List<String> command = ChildJvm.command(List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1"),
				FileStoreChildProcess.class, args);
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		this.processes.add(process);
		return process;
	}

	private static void awaitLine(Process process, String expected) throws IOException {
		BufferedReader output = reader(process);
		String line;
		while ((line = output.readLine()) != null && !line.equals(expected)) {
			// skip log output
		}
		assertThat(line).isEqualTo(expected);
	}

	private static BufferedReader reader(Process process) {
		return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
	}

	private static String output(Process process) throws IOException {
		StringBuilder output = new StringBuilder();
		try (BufferedReader reader = reader(process)) {
			reader.lines().forEach((line) -> output.append(line).append('\n'));
		}
		return output.toString();
	}

}
