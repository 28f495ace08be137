package dev.sessionstarter.daemon;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.Closeables;
import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonSessionStore;
import dev.sessionstarter.daemon.client.DaemonUnavailableException;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM ends a daemon with a storage directory within seconds, whatever it is doing (idle,
 * serving a client that saves in a loop, writing thousands of sessions), with every saved
 * session on disk and its port free; and a write that keeps failing is retried once a flush
 * interval and logged a bounded number of times, never in a busy loop.
 */
class DaemonStopIT {

	/**
	 * Generous: an idle stop takes well under a second, one that must first write thousands of
	 * sessions a few seconds, but the machine may be loaded.
	 */
	private static final Duration STOP_BOUND = Duration.ofSeconds(30);

	private static final Pattern FAILED = Pattern.compile("(\\d+) failed writes in (\\d+) flushes");

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@Test
	void sigtermWhileIdleEndsTheDaemonWithEverySessionOnDisk(@TempDir Path dir) throws Exception {
		int port = DaemonProcess.freePort();
		DaemonProcess daemon = start(port, dir.toString());
		DaemonSessionStore store = store(daemon, 1);
		for (int i = 0; i < 100; i++) {
			save(store, "idle-" + i, i, true);
		}
		stopWithinBound(daemon, port, "idle");
		DaemonSessionStore after = store(start(port, dir.toString()), 1);
		for (int i = 0; i < 100; i++) {
			assertThat(value(after.find("idle-" + i))).isEqualTo(i);
		}
	}

	@Test
	void sigtermUnderLoadEndsTheDaemonWithEveryAcknowledgedSaveOnDisk(@TempDir Path dir) throws Exception {
		int port = DaemonProcess.freePort();
		DaemonProcess daemon = start(port, "--flush-interval=100ms", dir.toString());
		int threads = 4;
		DaemonSessionStore store = store(daemon, threads);
		AtomicLongArray acknowledged = new AtomicLongArray(threads);
		AtomicBoolean running = new AtomicBoolean(true);
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		List<Future<?>> loops = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int thread = t;
			loops.add(executor.submit(() -> {
				for (long n = 1; running.get(); n++) {
					try {
						save(store, "load-" + thread, n, n == 1);
						acknowledged.set(thread, n);
					}
					catch (DaemonUnavailableException ex) {
						return;
					}
				}
			}));
		}
		await("saves acknowledged").atMost(Duration.ofSeconds(60))
			.until(() -> sum(acknowledged) >= 2000);
		stopWithinBound(daemon, port, "under load");
		running.set(false);
		for (Future<?> loop : loops) {
			loop.get(30, TimeUnit.SECONDS);
		}
		executor.shutdown();
		DaemonSessionStore after = store(start(port, dir.toString()), 1);
		for (int t = 0; t < threads; t++) {
			long stored = value(after.find("load-" + t));
			assertThat(stored).as("thread %d: stored %d, last acknowledged %d", t, stored, acknowledged.get(t))
				.isBetween(acknowledged.get(t), acknowledged.get(t) + 1);
		}
	}

	@Test
	void sigtermInTheMiddleOfAFlushEndsTheDaemonWithEverySessionOnDisk(@TempDir Path dir) throws Exception {
		int port = DaemonProcess.freePort();
		int sessions = 5_000;
		DaemonProcess daemon = start(port, "--flush-interval=3s", "--max-size=200MB", dir.toString());
		DaemonSessionStore store = store(daemon, 8);
		ExecutorService executor = Executors.newFixedThreadPool(8);
		List<Future<?>> savers = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			int thread = t;
			savers.add(executor.submit(() -> {
				for (int i = thread; i < sessions; i += 8) {
					save(store, "flush-" + i, i, true, 4096);
				}
			}));
		}
		for (Future<?> saver : savers) {
			saver.get(120, TimeUnit.SECONDS);
		}
		executor.shutdown();
		long flushedBefore = sessionFiles(dir);
		await("a flush has begun").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(1))
			.until(() -> sessionFiles(dir) > flushedBefore);
		long filesAtSigterm = sessionFiles(dir);
		stopWithinBound(daemon, port, "mid-flush (" + filesAtSigterm + " of " + sessions + " files written)");
		assertThat(sessionFiles(dir)).isEqualTo(sessions);
		DaemonProcess restarted = start(port, dir.toString());
		assertThat(restarted.output()).contains(sessions + " sessions loaded");
		DaemonSessionStore after = store(restarted, 1);
		for (int i = 0; i < sessions; i += 97) {
			assertThat(value(after.find("flush-" + i))).isEqualTo(i);
		}
	}

	@Test
	void aWriteThatKeepsFailingIsRetriedOnceAFlushAndLoggedABoundedNumberOfTimes(@TempDir Path parent)
			throws Exception {
		Path dir = parent.resolve("sessions");
		int port = DaemonProcess.freePort();
		DaemonProcess daemon = start(port, "--flush-interval=100ms", dir.toString());
		DaemonSessionStore store = store(daemon, 1);
		for (int i = 0; i < 3; i++) {
			save(store, "failing-" + i, i, true);
		}
		await("flushed").atMost(Duration.ofSeconds(30)).until(() -> sessionFiles(dir) == 3);
		Files.move(dir, parent.resolve("sessions-moved"));
		Files.writeString(dir, "not a directory");
		long failingSince = System.nanoTime();
		for (int i = 0; i < 3; i++) {
			save(store, "failing-" + i, i + 10, false);
		}
		await("the failure is logged").atMost(Duration.ofSeconds(30))
			.until(() -> daemon.output().contains("Cannot write"));
		await("30 flush intervals or more pass").during(Duration.ofSeconds(3))
			.atMost(Duration.ofSeconds(10))
			.until(daemon::isAlive);
		long elapsedMillis = Duration.ofNanos(System.nanoTime() - failingSince).toMillis();
		stopWithinBound(daemon, port, "with failing writes");
		String output = daemon.output();
		long logged = output.lines().filter((line) -> line.contains("Cannot write")).count();
		Matcher counts = FAILED.matcher(output.substring(output.lastIndexOf("session-daemon stopped")));
		assertThat(counts.find()).as("the stop reports the failed writes: %s", output).isTrue();
		long attempts = Long.parseLong(counts.group(1));
		long flushes = Long.parseLong(counts.group(2));
		System.out.printf("writes failing for %d ms at a 100 ms flush interval: %d log lines, %d failed writes"
				+ " in %d flushes%n", elapsedMillis, logged, attempts, flushes);
		assertThat(logged).as("log lines about the failing writes").isLessThanOrEqualTo(2);
		assertThat(attempts).as("one attempt per session and flush").isLessThanOrEqualTo(3 * flushes);
		assertThat(flushes).as("flushes no more often than the interval")
			.isLessThanOrEqualTo(elapsedMillis / 100 + 10);
	}

	private void stopWithinBound(DaemonProcess daemon, int port, String when) throws Exception {
		long start = System.nanoTime();
		boolean exited = daemon.terminate(STOP_BOUND);
		long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
		System.out.printf("SIGTERM %s: %s after %d ms%n", when, exited ? "exited" : "STILL RUNNING", millis);
		assertThat(exited).as("exited within %s after SIGTERM %s; output:%n%s", STOP_BOUND, when,
				tail(daemon.output()))
			.isTrue();
		assertThat(daemon.process().exitValue()).isEqualTo(143);
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
			assertThat(socket.getLocalPort()).as("port free").isEqualTo(port);
		}
	}

	private static String tail(String output) {
		return (output.length() > 4000) ? output.substring(output.length() - 4000) : output;
	}

	private DaemonProcess start(int port, String... arguments) throws Exception {
		DaemonProcess daemon = DaemonProcess.start(String.valueOf(port), arguments);
		this.closeables.add(daemon);
		return daemon;
	}

	private DaemonSessionStore store(DaemonProcess daemon, int connections) {
		DaemonClient client = new DaemonClient(daemon.address(), Duration.ofSeconds(10), connections, connections,
				null);
		this.closeables.add(client);
		return new DaemonSessionStore(client);
	}

	private static void save(DaemonSessionStore store, String id, long value, boolean create) {
		save(store, id, value, create, 8);
	}

	private static void save(DaemonSessionStore store, String id, long value, boolean create, int size) {
		long now = System.currentTimeMillis();
		Map<String, byte[]> attributes = new HashMap<>();
		attributes.put("value", ByteBuffer.allocate(Math.max(8, size)).putLong(value).array());
		store.save(new SessionChange(id, null, create, now, now, create ? 1_800_000L : null, false, null,
				attributes));
	}

	private static long value(SessionRecord record) {
		assertThat(record).isNotNull();
		return ByteBuffer.wrap(record.attribute("value")).getLong();
	}

	private static long sum(AtomicLongArray array) {
		long sum = 0;
		for (int i = 0; i < array.length(); i++) {
			sum += array.get(i);
		}
		return sum;
	}

	private static long sessionFiles(Path dir) throws IOException {
		try (Stream<Path> files = Files.list(dir)) {
			return files.filter((file) -> file.toString().endsWith(".session")).count();
		}
	}

}
