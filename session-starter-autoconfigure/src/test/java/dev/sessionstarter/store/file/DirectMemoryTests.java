package dev.sessionstarter.store.file;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.ChildJvm;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the off-heap memory large file sessions cost (issue 14, item 8): the JDK copies a
 * heap buffer through a temporary direct buffer of the same size and keeps it for the thread,
 * so the store reads and writes in bounded chunks.
 */
class DirectMemoryTests {

	private static final int THREADS = 8;

	private static final int PAYLOAD = 4 << 20;

	@TempDir
	Path dir;

	private FileSessionStore store;

	private final List<Process> processes = new ArrayList<>();

	@AfterEach
	void close() {
		this.processes.forEach(Process::destroyForcibly);
		if (this.store != null) {
			this.store.close();
		}
	}

	@Test
	@Timeout(120)
	void parallelReadsAndWritesOfLargeSessionsKeepOffHeapMemoryBounded() throws Exception {
		this.store = new FileSessionStore(this.dir, FileFormat.BINARY, false);
		StoreSessionRepository repository = repository(this.store);
		ExecutorService threads = Executors.newFixedThreadPool(THREADS);
		try {
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < THREADS; i++) {
				ids.add(repository.createSession().getId());
			}
			long before = directMemoryUsed();
			CountDownLatch done = new CountDownLatch(THREADS);
			List<Future<?>> work = new ArrayList<>();
			for (String id : ids) {
				work.add(threads.submit(() -> {
					StoredSession session = repository.createSession();
					session.setAttribute("payload", payload());
					session.setAttribute("id", id);
					repository.save(session);
					StoredSession found = repository.findById(session.getId());
					found.setAttribute("more", payload());
					repository.save(found);
					assertThat(repository.findById(session.getId()).<byte[]>getAttribute("more")).hasSize(PAYLOAD);
					done.countDown();
					// hold the thread, and with it any buffer the JDK keeps for it
					done.await();
					return null;
				}));
			}
			for (Future<?> future : work) {
				future.get(100, TimeUnit.SECONDS);
			}
			long grown = directMemoryUsed() - before;
			assertThat(grown).as("direct memory kept after %d threads read and wrote %d MB sessions", THREADS,
					2 * PAYLOAD >> 20)
				.isLessThan(THREADS * (1L << 20));
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	@Timeout(180)
	void fortyParallelReadsOfA15MegabyteSessionFitInA32MegabyteDirectMemoryLimit() throws Exception {
		this.store = new FileSessionStore(this.dir, FileFormat.BINARY, false);
		StoreSessionRepository repository = repository(this.store);
		StoredSession session = repository.createSession();
		byte[] payload = new byte[5 << 20];
		ThreadLocalRandom.current().nextBytes(payload);
		session.setAttribute("payload", payload);
		repository.save(session);
		assertThat(Files.size(this.store.path(session.getId()))).isGreaterThanOrEqualTo(15L << 20);

		List<String> command = ChildJvm.command(
				List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx1600m", "-XX:MaxDirectMemorySize=32m"),
				FileStoreChildProcess.class, "read-parallel", this.dir.toString(), session.getId(), "40");
		Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
		this.processes.add(child);
		String result = null;
		try (BufferedReader output = new BufferedReader(
				new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = output.readLine()) != null) {
				if (line.startsWith("read ") || line.startsWith("failed ")) {
					result = line;
				}
			}
		}
		assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(result).isEqualTo("read 40");
	}

	private static byte[] payload() {
		byte[] payload = new byte[PAYLOAD];
		ThreadLocalRandom.current().nextBytes(payload);
		return payload;
	}

	static long directMemoryUsed() {
		return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
			.stream()
			.filter((pool) -> pool.getName().equals("direct"))
			.mapToLong(BufferPoolMXBean::getMemoryUsed)
			.sum();
	}

	private static StoreSessionRepository repository(FileSessionStore store) {
		StoreSessionRepository repository = new StoreSessionRepository(store,
				new JavaSessionSerializer(List.of(), null));
		repository.setDefaultMaxInactiveInterval(Duration.ofHours(1));
		return repository;
	}

}
