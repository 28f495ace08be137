package dev.sessionstarter.daemon;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.Closeables;
import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonSessionStore;
import dev.sessionstarter.daemon.client.DaemonUnavailableException;
import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.file.FileSessionStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The daemon going away under load and coming back: requests fail fast with a clear error while
 * it is down or frozen (none waits past the client timeout by more than a watchdog tick and
 * scheduling noise; the bound checked here is generous), succeed again by themselves once it is
 * back, and with a storage directory no saved session is lost across a clean restart.
 */
class DaemonRestartIT {

	private static final Duration TIMEOUT = Duration.ofMillis(1000);

	/** A failed call must end well before this: the timeout plus generous room for a busy machine. */
	private static final long HANG_BOUND_NANOS = TIMEOUT.plusSeconds(4).toNanos();

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@Test
	void requestsFailFastWhileTheDaemonIsKilledAndRecoverWhenItIsBack() throws Exception {
		String port = String.valueOf(DaemonProcess.freePort());
		DaemonProcess daemon = start(port);
		DaemonClient client = client(daemon.address());
		try (Load load = new Load(repository(client), 4)) {
			load.awaitSuccesses(200);
			daemon.kill();
			load.awaitFailures(20);
			DaemonProcess restarted = start(port);
			load.resetSuccesses();
			load.awaitSuccesses(200);
			assertThat(restarted.isAlive()).isTrue();
			load.stop();
			assertThat(load.slowestFailureNanos()).isLessThan(HANG_BOUND_NANOS);
			assertThat(load.unexpected()).isNull();
			assertThat(load.sampleFailure()).isInstanceOf(DaemonUnavailableException.class)
				.hasMessageContaining("Session daemon at 127.0.0.1:" + port);
		}
		assertThat(client.getErrorCount()).isGreaterThanOrEqualTo(20);
	}

	@Test
	void requestsToAFrozenDaemonTimeOutAndRecoverWhenItResumes() throws Exception {
		DaemonProcess daemon = start(String.valueOf(DaemonProcess.freePort()));
		DaemonClient client = client(daemon.address());
		try (Load load = new Load(repository(client), 4)) {
			load.awaitSuccesses(200);
			signal("STOP", daemon.pid());
			try {
				load.awaitFailures(8);
			}
			finally {
				signal("CONT", daemon.pid());
			}
			load.resetSuccesses();
			load.awaitSuccesses(200);
			load.stop();
			assertThat(load.slowestFailureNanos()).isLessThan(HANG_BOUND_NANOS);
			assertThat(load.unexpected()).isNull();
			assertThat(load.sampleFailure()).hasMessageContaining("did not answer").hasMessageContaining("within 1000ms");
		}
	}

	@Test
	void noSessionSavedBeforeACleanStopIsLost(@TempDir Path dir) throws Exception {
		String port = String.valueOf(DaemonProcess.freePort());
		DaemonProcess daemon = start(port, dir.toString());
		List<String> ids = new ArrayList<>();
		StoreSessionRepository repository = repository(client(daemon.address()));
		for (int i = 0; i < 500; i++) {
			StoredSession session = repository.createSession();
			session.setAttribute("number", i);
			session.setAttribute(org.springframework.session.FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME,
					"user" + (i % 10));
			repository.save(session);
			ids.add(session.getId());
		}
		repository.deleteById(ids.remove(0));
		StoredSession changed = repository.findById(ids.get(0));
		changed.setAttribute("number", 1);
		repository.save(changed);
		long version = changed.getVersion();
		assertThat(version).isEqualTo(2);
		assertThat(daemon.stop()).isEqualTo(143);
		assertThat(daemon.output()).contains("changed sessions written to " + dir.toRealPath());
		DaemonProcess restarted = start(port, dir.toString());
		assertThat(restarted.output()).contains("499 sessions loaded");
		StoreSessionRepository after = repository(client(restarted.address()));
		for (int i = 0; i < ids.size(); i++) {
			StoredSession session = after.findById(ids.get(i));
			assertThat(session).as("session %d", i + 1).isNotNull();
			assertThat((Object) session.getAttribute("number")).isEqualTo(i + 1);
		}
		assertThat(after.findByPrincipalName("user3")).hasSize(50);
		assertThat(after.findById(ids.get(0)).getVersion()).as("version kept across a clean restart")
			.isEqualTo(version);
		assertThat(new DaemonSessionStore(client(restarted.address())).version(ids.get(0))).isEqualTo(version);
	}

	@Test
	void sessionsFlushedBeforeAKillSurviveIt(@TempDir Path dir) throws Exception {
		String port = String.valueOf(DaemonProcess.freePort());
		DaemonProcess daemon = start(port, "--flush-interval=50ms", dir.toString());
		StoreSessionRepository repository = repository(client(daemon.address()));
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			StoredSession session = repository.createSession();
			session.setAttribute("n", i);
			repository.save(session);
			ids.add(session.getId());
		}
		await("50 session files flushed").atMost(Duration.ofSeconds(30)).until(() -> sessionFiles(dir) >= 50);
		daemon.kill();
		DaemonProcess restarted = start(port, dir.toString());
		StoreSessionRepository after = repository(client(restarted.address()));
		assertThat(ids).allSatisfy((id) -> assertThat(after.findById(id)).isNotNull());
		assertThat(after.findById(ids.get(0)).getVersion()).as("version raised after a crash")
			.isEqualTo(1 + (1L << 32));
	}

	@Test
	void aCorruptSessionFileIsSetAsideAndTheRestLoad(@TempDir Path dir) throws Exception {
		String port = String.valueOf(DaemonProcess.freePort());
		DaemonProcess first = start(port, dir.toString());
		StoredSession kept = repository(client(first.address())).createSession();
		kept.setAttribute("n", 1);
		repository(client(first.address())).save(kept);
		assertThat(first.stop()).isEqualTo(143);
		Files.write(dir.resolve("broken-1.session"), new byte[] { 1, 2, 3, 4, 5 });
		byte[] valid = Files.readAllBytes(dir.resolve(kept.getId() + ".session"));
		valid[valid.length / 2] ^= 0x55;
		Files.write(dir.resolve("damaged-1.session"), valid);
		DaemonProcess daemon = start(port, dir.toString());
		assertThat(daemon.output()).contains("broken-1.session").contains("damaged-1.session")
			.contains("1 sessions loaded");
		assertThat(quarantined(dir)).hasSize(2)
			.anyMatch((name) -> name.startsWith("broken-1.session."))
			.anyMatch((name) -> name.startsWith("damaged-1.session."));
		assertThat(dir.resolve("broken-1.session")).doesNotExist();
		assertThat(repository(client(daemon.address())).findById(kept.getId())).isNotNull();
	}

	@Test
	void aTemporaryFileAKilledWriterLeftIsDeletedOnStartOnceStale(@TempDir Path dir) throws Exception {
		Path stale = dir.resolve(".tmp-left-1a2b");
		Path fresh = dir.resolve(".tmp-left-3c4d");
		Files.write(stale, new byte[] { 1, 2, 3 });
		Files.write(fresh, new byte[] { 1, 2, 3 });
		Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
		DaemonProcess daemon = start(String.valueOf(DaemonProcess.freePort()), dir.toString());
		assertThat(daemon.output()).contains("0 sessions loaded");
		assertThat(stale).doesNotExist();
		assertThat(fresh).exists();
	}

	@Test
	void writesTheFileStoresFormatOwnerOnly(@TempDir Path dir) throws Exception {
		Path storage = dir.resolve("sessions");
		DaemonProcess daemon = start(String.valueOf(DaemonProcess.freePort()), storage.toString());
		StoreSessionRepository repository = repository(client(daemon.address()));
		StoredSession session = repository.createSession();
		session.setAttribute("n", 1);
		repository.save(session);
		assertThat(daemon.stop()).isEqualTo(143);
		Path file = storage.resolve(session.getId() + ".session");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(storage))).isEqualTo("rwx------");
		FileSessionStore fileStore = new FileSessionStore(storage, FileFormat.BINARY, false);
		SessionRecord read = fileStore.find(session.getId());
		assertThat(read).isNotNull();
		assertThat(read.attributeNames()).containsExactly("n");
	}

	@Test
	void loadsSessionsTheFileStoreWroteInItsTwoSlotLayout(@TempDir Path dir) throws Exception {
		String id;
		try (FileSessionStore fileStore = new FileSessionStore(dir, FileFormat.BINARY, false)) {
			StoreSessionRepository files = new StoreSessionRepository(fileStore,
					new JavaSessionSerializer(List.of(), null));
			StoredSession session = files.createSession();
			session.setAttribute("n", 1);
			files.save(session);
			StoredSession again = files.findById(session.getId());
			again.setAttribute("n", 2);
			files.save(again);
			id = session.getId();
		}
		DaemonProcess daemon = start(String.valueOf(DaemonProcess.freePort()), dir.toString());
		assertThat(daemon.output()).contains("1 sessions loaded");
		StoredSession loaded = repository(client(daemon.address())).findById(id);
		assertThat(loaded).isNotNull();
		assertThat((Integer) loaded.getAttribute("n")).isEqualTo(2);
		assertThat(dir.resolve(".quarantine")).doesNotExist();
	}

	private static List<String> quarantined(Path dir) throws Exception {
		try (Stream<Path> files = Files.list(dir.resolve(".quarantine"))) {
			return files.map((file) -> file.getFileName().toString()).toList();
		}
	}

	private static long sessionFiles(Path dir) throws Exception {
		try (Stream<Path> files = Files.list(dir)) {
			return files.filter((file) -> file.toString().endsWith(".session")).count();
		}
	}

	private static void signal(String signal, long pid) throws Exception {
		Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).start();
		assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(kill.exitValue()).isZero();
	}

	private DaemonProcess start(String listenOn, String... arguments) throws Exception {
		DaemonProcess daemon = DaemonProcess.start(listenOn, arguments);
		this.closeables.add(daemon);
		return daemon;
	}

	private DaemonClient client(DaemonAddress address) {
		DaemonClient client = new DaemonClient(address, TIMEOUT, 8, 8, null);
		this.closeables.add(client);
		return client;
	}

	private static StoreSessionRepository repository(DaemonClient client) {
		StoreSessionRepository repository = new StoreSessionRepository(new DaemonSessionStore(client),
				new JavaSessionSerializer(List.of(), null));
		repository.setDecodeOnLoad(true);
		return repository;
	}

	/**
	 * Threads that run request cycles (create or load, change, save) until stopped, counting
	 * successes and failures and timing every failed call. Bounded: it stops itself after two
	 * minutes.
	 */
	private static final class Load implements AutoCloseable {

		private final StoreSessionRepository repository;

		private final List<Thread> threads = new ArrayList<>();

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final AtomicLong successes = new AtomicLong();

		private final AtomicLong failures = new AtomicLong();

		private final AtomicLong slowestFailure = new AtomicLong();

		private final AtomicReference<RuntimeException> sampleFailure = new AtomicReference<>();

		private final AtomicReference<Throwable> unexpected = new AtomicReference<>();

		private final long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);

		Load(StoreSessionRepository repository, int threads) {
			this.repository = repository;
			CountDownLatch started = new CountDownLatch(threads);
			for (int i = 0; i < threads; i++) {
				Thread thread = new Thread(() -> {
					started.countDown();
					run();
				}, "load-" + i);
				thread.setDaemon(true);
				thread.start();
				this.threads.add(thread);
			}
		}

		private void run() {
			String id = null;
			while (this.running.get() && System.nanoTime() - this.end < 0) {
				long start = System.nanoTime();
				try {
					StoredSession session = (id != null) ? this.repository.findById(id) : null;
					if (session == null) {
						session = this.repository.createSession();
					}
					Integer count = session.getAttribute("count");
					session.setAttribute("count", (count != null) ? count + 1 : 1);
					this.repository.save(session);
					id = session.getId();
					this.successes.incrementAndGet();
				}
				catch (DaemonUnavailableException ex) {
					this.slowestFailure.accumulateAndGet(System.nanoTime() - start, Math::max);
					this.sampleFailure.compareAndSet(null, ex);
					this.failures.incrementAndGet();
					pause();
				}
				catch (Throwable ex) {
					this.unexpected.compareAndSet(null, ex);
					pause();
				}
			}
		}

		private static void pause() {
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		void awaitSuccesses(long count) throws InterruptedException {
			await(this.successes, count, "successes");
		}

		void awaitFailures(long count) throws InterruptedException {
			await(this.failures, count, "failures");
		}

		void resetSuccesses() {
			this.successes.set(0);
		}

		private void await(AtomicLong counter, long count, String what) {
			Awaitility.await(count + " " + what).atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(counter.get())
					.as("%s; first unexpected: %s", what, this.unexpected.get())
					.isGreaterThanOrEqualTo(count));
		}

		long slowestFailureNanos() {
			return this.slowestFailure.get();
		}

		RuntimeException sampleFailure() {
			return this.sampleFailure.get();
		}

		Throwable unexpected() {
			return this.unexpected.get();
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			for (Thread thread : this.threads) {
				thread.join(TimeUnit.SECONDS.toMillis(30));
			}
		}

		@Override
		public void close() throws InterruptedException {
			stop();
		}

	}

}
