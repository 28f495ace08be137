package dev.sessionstarter.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Counts the Redis commands of one request cycle ({@link RepositoryAdapter#requestCycle}) of
 * each Redis implementation, with {@code MONITOR}: Redis lists every command a client sends, and
 * marks those a script runs inside Redis as coming from Lua, so the commands sent are the round
 * trips a request costs (pipelining aside), which is deterministic where timings are not. For
 * each implementation: fill 1,000 sessions, run 200 request cycles unmeasured, then
 * {@value #CYCLES} measured ones between two markers ({@code ECHO}), and print one Markdown
 * table row: commands sent per request, by name, and the commands scripts ran.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.sessionstarter.benchmarks.RedisCommandCount [implementations]} (default the six Redis
 * ones).
 */
public final class RedisCommandCount {

	private static final int CYCLES = 1000;

	private static final String DEFAULT = "redis,redis-locked,memoized-validate-redis,"
			+ "memoized-validate-redis-locked,spring-redis,spring-redis-indexed";

	private RedisCommandCount() {
	}

	/**
	 * Count and print.
	 * @param args {@code [implementations]}
	 * @throws Exception if a repository or the monitor fails
	 */
	public static void main(String[] args) throws Exception {
		List<Implementation> implementations = Arrays.stream(((args.length > 0) ? args[0] : DEFAULT).split(","))
			.map(Implementation::of)
			.toList();
		System.out.println(
				"| implementation | commands sent per request | sent, by command | run by scripts per request |");
		System.out.println("|---|---:|---|---:|");
		for (Implementation implementation : implementations) {
			LocalRedis redis = LocalRedis.acquire();
			try (RepositoryAdapter<?> repository = implementation.create()) {
				String[] ids = repository.fill(1000, SessionShape.MEDIUM);
				for (int i = 0; i < 200; i++) {
					repository.requestCycle(ids[i % ids.length], Instant.now());
				}
				Counts counts = monitor(redis.port(), () -> {
					for (int i = 0; i < CYCLES; i++) {
						repository.requestCycle(ids[(i * 7) % ids.length], Instant.now());
					}
				});
				System.out.println(counts.row(implementation.label()));
			}
			finally {
				LocalRedis.release();
			}
		}
	}

	private static Counts monitor(int port, Runnable cycles) throws IOException {
		String marker = "request-cycles-" + System.nanoTime();
		try (Socket monitor = new Socket("127.0.0.1", port); Socket control = new Socket("127.0.0.1", port)) {
			BufferedReader lines = new BufferedReader(
					new InputStreamReader(monitor.getInputStream(), StandardCharsets.UTF_8));
			send(monitor, "MONITOR");
			lines.readLine();
			send(control, "ECHO " + marker + "-start");
			skipTo(lines, marker + "-start");
			cycles.run();
			send(control, "ECHO " + marker + "-end");
			Counts counts = new Counts();
			for (String line = lines.readLine(); line != null && !line.contains(marker + "-end");
					line = lines.readLine()) {
				counts.add(line);
			}
			return counts;
		}
	}

	private static void send(Socket socket, String command) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
		out.flush();
	}

	private static void skipTo(BufferedReader lines, String marker) throws IOException {
		for (String line = lines.readLine(); line != null && !line.contains(marker); line = lines.readLine()) {
			// commands before the measured cycles
		}
	}

	/**
	 * The commands of the measured cycles, sent and run by scripts.
	 */
	private static final class Counts {

		private final Map<String, Integer> sent = new TreeMap<>();

		private int sentTotal;

		private int byScripts;

		/**
		 * Count one line of {@code MONITOR}: {@code +<time> [<db> <client>] "<COMMAND>" ...},
		 * the client {@code lua} for a command a script ran.
		 */
		void add(String line) {
			int client = line.indexOf('[');
			int end = line.indexOf(']', client);
			if (client < 0 || end < 0) {
				return;
			}
			if (line.substring(client, end).endsWith(" lua")) {
				this.byScripts++;
				return;
			}
			int start = line.indexOf('"', end);
			String command = line.substring(start + 1, line.indexOf('"', start + 1)).toUpperCase(Locale.ROOT);
			this.sent.merge(command, 1, Integer::sum);
			this.sentTotal++;
		}

		String row(String label) {
			String byCommand = this.sent.entrySet()
				.stream()
				.map((entry) -> String.format(Locale.ROOT, "%s %s", perRequest(entry.getValue()), entry.getKey()))
				.collect(Collectors.joining(", "));
			return String.format(Locale.ROOT, "| %s | %s | %s | %s |", label, perRequest(this.sentTotal), byCommand,
					perRequest(this.byScripts));
		}

		private static String perRequest(int count) {
			double value = (double) count / CYCLES;
			return (value == Math.rint(value)) ? Long.toString((long) value)
					: String.format(Locale.ROOT, "%.2f", value);
		}

	}

}
