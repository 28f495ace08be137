package dev.sessionstarter.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The CPU time one request cycle ({@link RepositoryAdapter#requestCycle}) costs each Redis
 * implementation on both sides: the benchmark process (every thread: the callers, Lettuce's
 * event loop, GC and JIT) and {@code redis-server} (from {@code /proc/<pid>/stat}), with the
 * server's own time per call of each command ({@code INFO commandstats}, {@code usec_per_call}).
 * On a machine whose cores the caller, the client's event loop and the server share, the sum
 * bounds throughput, and it moves much less with other processes' load than ops/s does.
 *
 * <p>For each implementation: fill 10,000 sessions, run request cycles on the given number of
 * threads for the warm-up seconds, reset the server's statistics, run them for the measured
 * seconds, and print one Markdown table row.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.sessionstarter.benchmarks.RedisCpuCheck
 * [implementations] [threads] [warm-up seconds] [seconds]} (defaults: the six Redis ones, 1, 5, 10).
 */
public final class RedisCpuCheck {

	private static final String DEFAULT = "redis,redis-locked,memoized-validate-redis,"
			+ "memoized-validate-redis-locked,spring-redis,spring-redis-indexed";

	private static final long CLOCK_TICK_NANOS = 10_000_000L;

	private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private RedisCpuCheck() {
	}

	/**
	 * Measure and print.
	 * @param args {@code [implementations] [threads] [warm-up seconds] [seconds]}
	 * @throws Exception if a repository fails
	 */
	public static void main(String[] args) throws Exception {
		List<Implementation> implementations = Arrays.stream(((args.length > 0) ? args[0] : DEFAULT).split(","))
			.map(Implementation::of)
			.toList();
		int threads = (args.length > 1) ? Integer.parseInt(args[1]) : 1;
		int warmup = (args.length > 2) ? Integer.parseInt(args[2]) : 5;
		int seconds = (args.length > 3) ? Integer.parseInt(args[3]) : 10;
		System.out.println("| implementation | threads | ops/s | callers µs/op | event loop µs/op | client µs/op "
				+ "| redis-server µs/op | total µs/op | callers bytes/op "
				+ "| server usec by command per request (commandstats) | load |");
		System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
		for (Implementation implementation : implementations) {
			LocalRedis redis = LocalRedis.acquire();
			try (RepositoryAdapter<?> repository = implementation.create()) {
				String[] ids = repository.fill(10_000, SessionShape.MEDIUM);
				run(repository, ids, threads, warmup * 1000L);
				command(redis.port(), "CONFIG RESETSTAT");
				long client = processCpuNanos();
				long eventLoop = eventLoopCpuNanos();
				long server = serverCpuNanos(redis.pid());
				long start = System.nanoTime();
				Run measured = run(repository, ids, threads, seconds * 1000L);
				long ops = measured.ops();
				long wall = System.nanoTime() - start;
				client = processCpuNanos() - client;
				eventLoop = eventLoopCpuNanos() - eventLoop;
				server = serverCpuNanos(redis.pid()) - server;
				String stats = commandStats(command(redis.port(), "INFO commandstats"), ops);
				System.out.printf(Locale.ROOT,
						"| %s | %d | %,.0f | %.1f | %.1f | %.1f | %.1f | %.1f | %,d | %s | %s |%n",
						implementation.name().toLowerCase(Locale.ROOT).replace('_', '-'), threads,
						ops * 1e9 / wall, measured.cpuNanos() / 1e3 / ops, eventLoop / 1e3 / ops,
						client / 1e3 / ops, server / 1e3 / ops, (client + server) / 1e3 / ops,
						measured.allocated() / ops, stats,
						Files.readString(Path.of("/proc/loadavg")).substring(0, 14));
			}
			finally {
				LocalRedis.release();
			}
		}
	}

	private static Run run(RepositoryAdapter<?> repository, String[] ids, int threads, long millis)
			throws InterruptedException {
		LongAdder ops = new LongAdder();
		LongAdder cpu = new LongAdder();
		LongAdder allocated = new LongAdder();
		long end = System.nanoTime() + millis * 1_000_000L;
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			Thread worker = new Thread(() -> {
				long cpuStart = THREADS.getCurrentThreadCpuTime();
				long allocatedStart = THREADS.getCurrentThreadAllocatedBytes();
				ThreadLocalRandom random = ThreadLocalRandom.current();
				while (System.nanoTime() < end) {
					repository.requestCycle(ids[random.nextInt(ids.length)], Instant.now());
					ops.increment();
				}
				cpu.add(THREADS.getCurrentThreadCpuTime() - cpuStart);
				allocated.add(THREADS.getCurrentThreadAllocatedBytes() - allocatedStart);
			});
			worker.start();
			workers.add(worker);
		}
		for (Thread worker : workers) {
			worker.join();
		}
		return new Run(ops.sum(), cpu.sum(), allocated.sum());
	}

	private static long eventLoopCpuNanos() {
		long sum = 0;
		for (java.lang.management.ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
			if (info != null && info.getThreadName().startsWith("lettuce-nioEventLoop")) {
				sum += THREADS.getThreadCpuTime(info.getThreadId());
			}
		}
		return sum;
	}

	/**
	 * The request cycles of a run, and the CPU time and bytes their threads used.
	 */
	private record Run(long ops, long cpuNanos, long allocated) {
	}

	private static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	private static long serverCpuNanos(long pid) throws IOException {
		String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * CLOCK_TICK_NANOS;
	}

	/**
	 * Summarise {@code cmdstat_<name>:calls=..,usec=..,usec_per_call=..} lines as the server's
	 * microseconds per request for each command, and their calls per request.
	 */
	private static String commandStats(String info, long ops) {
		List<String> parts = new ArrayList<>();
		for (String line : info.split("\r\n")) {
			if (!line.startsWith("cmdstat_")) {
				continue;
			}
			String name = line.substring(8, line.indexOf(':'));
			long calls = field(line, "calls=");
			long usec = field(line, "usec=");
			if (calls * 10 < ops) {
				continue;
			}
			parts.add(String.format(Locale.ROOT, "%s %.3f x %.2f", name, (double) calls / ops, (double) usec / calls));
		}
		return String.join(", ", parts);
	}

	private static long field(String line, String name) {
		int start = line.indexOf(name) + name.length();
		int end = line.indexOf(',', start);
		return Long.parseLong(line.substring(start, (end < 0) ? line.length() : end));
	}

	private static String command(int port, String command) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			OutputStream out = socket.getOutputStream();
			out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
			out.flush();
			BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			String first = in.readLine();
			if (first.startsWith("$")) {
				char[] body = new char[Integer.parseInt(first.substring(1))];
				int read = 0;
				while (read < body.length) {
					read += in.read(body, read, body.length - read);
				}
				return new String(body);
			}
			return first;
		}
	}

}
