package dev.sessionstarter.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.data.redis.RedisSessionRepository;

import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonSessionLockManager;
import dev.sessionstarter.daemon.client.DaemonSessionStore;
import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.daemon.protocol.DaemonStats;
import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.StoreSessionRepository;

import static org.awaitility.Awaitility.await;

/**
 * Models the session work of one request (load the session, read a counter, write it back, save)
 * through the session daemon over TCP and over a UNIX socket (and, for information, with a
 * daemon request lock around it, as the lock filter takes), beside Spring Session's
 * {@link RedisSessionRepository} on a real local {@code redis-server} (no persistence), in the
 * same run, with 1 and 2 threads; then the daemon's resident memory holding 100,000 sessions.
 * Prints a table and writes it to {@code target/daemon-benchmark.txt}.
 *
 * <p>Not part of the normal build. Run with:
 * <pre>
 * ./mvnw -B -pl session-daemon -am verify -Dit.test=DaemonBenchmarkIT -Dsessions.benchmark=true \
 *     -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * It needs {@code redis-server} on the PATH (Debian: {@code apt-get install -y redis-server}).
 */
@EnabledIfSystemProperty(named = "sessions.benchmark", matches = "true")
class DaemonBenchmarkIT {

	private static final Duration WARMUP = Duration.ofSeconds(3);

	private static final Duration MEASURE = Duration.ofSeconds(5);

	private static final int ROUNDS = 2;

	private static final int SESSIONS_PER_THREAD = 100;

	private final StringBuilder report = new StringBuilder();

	@Test
	void requestCycleBesideRedisAndMemoryWithManySessions() throws Exception {
		Path socket = DaemonProcess.socketPath("bench.sock");
		int redisPort = DaemonProcess.freePort();
		Process redis = new ProcessBuilder("redis-server", "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
				"--save", "", "--appendonly", "no").redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		try (DaemonProcess tcpDaemon = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()));
				DaemonProcess unixDaemon = DaemonProcess.start(socket.toString())) {
			LettuceConnectionFactory factory = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration("127.0.0.1", redisPort));
			factory.afterPropertiesSet();
			factory.start();
			try (DaemonClient tcp = new DaemonClient(tcpDaemon.address(), Duration.ofSeconds(2), 16, 16, null);
					DaemonClient unix = new DaemonClient(unixDaemon.address(), Duration.ofSeconds(2), 16, 16, null);
					DaemonClient unixLocks = new DaemonClient(unixDaemon.address(), Duration.ofSeconds(2), 16, 16,
							null)) {
				awaitRedis(factory);
				Map<String, SessionRepository<? extends Session>> repositories = new java.util.LinkedHashMap<>();
				Map<String, SessionLockManager> locks = new HashMap<>();
				repositories.put("Spring Session RedisSessionRepository (redis-server, Lettuce)", redis(factory));
				repositories.put("session-daemon over TCP (127.0.0.1)", daemon(tcp));
				repositories.put("session-daemon over a UNIX socket", daemon(unix));
				repositories.put("session-daemon over a UNIX socket + daemon request lock", daemon(unix));
				locks.put("session-daemon over a UNIX socket + daemon request lock",
						new DaemonSessionLockManager(unixLocks, Duration.ZERO));
				line("Request cycle: findById, read and write one attribute, save. Warm-up %ss, measured %ss, %d rounds"
					.formatted(WARMUP.toSeconds(), MEASURE.toSeconds(), ROUNDS));
				line("%-62s %8s %14s %10s".formatted("repository", "threads", "cycles/s", "vs redis"));
				for (int threads : new int[] { 1, 2 }) {
					Map<String, Double> throughput = new HashMap<>();
					for (int round = 0; round < ROUNDS; round++) {
						for (Map.Entry<String, SessionRepository<? extends Session>> entry : repositories.entrySet()) {
							double rate = run(entry.getValue(), locks.get(entry.getKey()), threads);
							throughput.merge(entry.getKey(), rate / ROUNDS, Double::sum);
						}
					}
					double redisRate = throughput.values().iterator().next();
					for (String name : repositories.keySet()) {
						double rate = throughput.get(name);
						line("%-62s %8d %14.0f %9.2fx".formatted(name, threads, rate,
								rate / throughput.get(repositories.keySet().iterator().next())));
					}
					assert redisRate > 0;
				}
			}
			finally {
				factory.destroy();
			}
		}
		finally {
			redis.destroyForcibly();
			redis.waitFor(30, TimeUnit.SECONDS);
		}
		memoryWithManySessions(List.of(), "default GC");
		memoryWithManySessions(List.of("-XX:+UseSerialGC"), "-XX:+UseSerialGC");
		Path out = Path.of("target", "daemon-benchmark.txt");
		Files.writeString(out, this.report);
		System.out.println(this.report);
	}

	private void memoryWithManySessions(List<String> jvmOptions, String gc) throws Exception {
		try (DaemonProcess daemon = DaemonProcess.startWithJvmOptions(jvmOptions,
				String.valueOf(DaemonProcess.freePort()), "--max-size=200MB");
				DaemonClient client = new DaemonClient(daemon.address(), Duration.ofSeconds(10), 4, 4, null)) {
			long idle = rssKb(daemon.pid());
			DaemonSessionStore store = new DaemonSessionStore(client);
			JavaSessionSerializer serializer = new JavaSessionSerializer(List.of(), null);
			long now = System.currentTimeMillis();
			for (int i = 0; i < 100_000; i++) {
				Map<String, byte[]> attributes = new HashMap<>();
				attributes.put("user", serializer.serialize("user-" + i));
				attributes.put("visits", serializer.serialize(i));
				attributes.put("cart", serializer.serialize(new ArrayList<>(List.of("book-" + i, "pen", 3L))));
				attributes.put("locale", serializer.serialize(Locale.UK));
				store.save(new SessionChange(java.util.UUID.randomUUID().toString(), null, true, now, now, 1_800_000L, false,
						null, new HashMap<>(attributes)));
			}
			DaemonStats stats = client.stats();
			long full = rssKb(daemon.pid());
			line("");
			line("session-daemon resident memory (java %s, -Xmx256m, %s):".formatted(System.getProperty("java.version"),
					gc));
			line("  idle, no sessions:        %,8d KB RSS".formatted(idle));
			line("  100,000 sessions:         %,8d KB RSS; store counts %,d sessions, %,d bytes (%,d bytes a session)"
				.formatted(full, stats.sessions(), stats.bytes(), stats.bytes() / Math.max(1, stats.sessions())));
		}
	}

	private static long rssKb(long pid) throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", ""));
			}
		}
		return -1;
	}

	@SuppressWarnings("unchecked")
	private static <S extends Session> double run(SessionRepository<S> repository, SessionLockManager lockManager,
			int threads) throws Exception {
		List<List<String>> ids = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			List<String> mine = new ArrayList<>();
			for (int i = 0; i < SESSIONS_PER_THREAD; i++) {
				S session = repository.createSession();
				session.setAttribute("count", 0);
				session.setAttribute("user", "user-" + t + "-" + i);
				repository.save(session);
				mine.add(session.getId());
			}
			ids.add(mine);
		}
		AtomicBoolean measuring = new AtomicBoolean();
		AtomicBoolean running = new AtomicBoolean(true);
		LongAdder cycles = new LongAdder();
		LongAdder total = new LongAdder();
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			List<String> mine = ids.get(t);
			Thread worker = new Thread(() -> {
				int i = 0;
				while (running.get()) {
					String id = mine.get(i++ % mine.size());
					SessionLock lock = (lockManager != null) ? tryLock(lockManager, id) : null;
					try {
						S session = repository.findById(id);
						Integer count = session.getAttribute("count");
						session.setAttribute("count", count + 1);
						repository.save(session);
					}
					finally {
						if (lock != null) {
							lock.release();
						}
					}
					total.increment();
					if (measuring.get()) {
						cycles.increment();
					}
				}
			});
			worker.setDaemon(true);
			worker.start();
			workers.add(worker);
		}
		Thread.sleep(WARMUP.toMillis());
		measuring.set(true);
		long start = System.nanoTime();
		Thread.sleep(MEASURE.toMillis());
		measuring.set(false);
		long elapsed = System.nanoTime() - start;
		running.set(false);
		for (Thread worker : workers) {
			worker.join(30_000);
		}
		long counted = 0;
		for (List<String> mine : ids) {
			for (String id : mine) {
				Integer count = repository.findById(id).getAttribute("count");
				counted += count;
			}
			mine.forEach(repository::deleteById);
		}
		if (counted != total.sum()) {
			throw new IllegalStateException("The sessions counted " + counted + " cycles, the threads ran " + total.sum());
		}
		return cycles.sum() * 1e9 / elapsed;
	}

	private static SessionLock tryLock(SessionLockManager manager, String id) {
		try {
			SessionLock lock = manager.tryLock(id, Duration.ofSeconds(5));
			if (lock == null) {
				throw new IllegalStateException("Lock on " + id + " timed out");
			}
			return lock;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static SessionRepository<? extends Session> redis(LettuceConnectionFactory factory) {
		RedisTemplate<String, Object> template = new RedisTemplate<>();
		template.setConnectionFactory(factory);
		template.setKeySerializer(RedisSerializer.string());
		template.setHashKeySerializer(RedisSerializer.string());
		template.afterPropertiesSet();
		return new RedisSessionRepository(template);
	}

	private static SessionRepository<? extends Session> daemon(DaemonClient client) {
		StoreSessionRepository repository = new StoreSessionRepository(new DaemonSessionStore(client),
				new JavaSessionSerializer(List.of(), null));
		repository.setDecodeOnLoad(true);
		return repository;
	}

	private static void awaitRedis(LettuceConnectionFactory factory) {
		await("redis answers").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(50))
			.ignoreExceptions()
			.untilAsserted(() -> {
				try (var connection = factory.getConnection()) {
					connection.ping();
				}
			});
	}

	private void line(String text) {
		this.report.append(text).append('\n');
	}

}
