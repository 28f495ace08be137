package dev.sessionstarter.lock.e2e;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The memoized store in validate coherence, shared without sticky sessions by two processes:
 * this JVM and a second one each run {@link LockTestApplication} (two application contexts) on
 * one file directory. Each caches the sessions it serves, yet neither reads a stale copy, and
 * the lost-update test of request locking passes across the two: the native request locks of
 * this configuration are the file lock manager's OS locks, which hold between processes.
 */
class MemoizedValidateTwoProcessesTests {

	private static final String PORT_LINE = "test application listening on port ";

	private static final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	static Path sessions;

	@TempDir
	static Path logs;

	private static ConfigurableApplicationContext local;

	private static Process other;

	private static Path otherLog;

	/**
	 * A client of this JVM's server, then one of the other process's.
	 */
	private static final List<SessionClient> servers = new ArrayList<>();

	@BeforeAll
	static void startBothProcesses() throws Exception {
		List<String> properties = List.of("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
				"sessions.store=memoized", "sessions.memoized.delegate=file", "sessions.memoized.coherence=validate",
				"sessions.file.dir=" + sessions, "management.endpoints.web.exposure.include=sessionstore");
		otherLog = logs.resolve("other.log");
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
				OtherProcess.class.getName()));
		properties.forEach((property) -> command.add("--" + property));
		other = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(otherLog.toFile()).start();
		local = new SpringApplicationBuilder(LockTestApplication.class).properties(properties.toArray(String[]::new))
			.run();
		servers.add(new SessionClient(((WebServerApplicationContext) local).getWebServer().getPort()));
		servers.add(new SessionClient(awaitOtherPort()));
	}

	@AfterAll
	static void stopBothProcesses() throws Exception {
		if (local != null) {
			local.close();
		}
		if (other != null) {
			// the other process stops when its standard input ends
			other.getOutputStream().close();
			if (!other.waitFor(30, TimeUnit.SECONDS)) {
				other.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
			}
		}
	}

	@Test
	void eachProcessSeesTheOthersChangeOnItsNextRead() throws Exception {
		String session = servers.get(0).newSession();
		int[] order = { 1, 1, 0, 0, 1, 0, 1, 1, 0, 0 };
		for (int visit = 1; visit <= order.length; visit++) {
			int server = order[visit - 1];
			HttpResponse<String> response = servers.get(server).get("/increment", session);
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			assertThat(response.body()).as("visit %d, to process %d", visit, server).isEqualTo(String.valueOf(visit));
		}
		for (SessionClient server : servers) {
			JsonNode cache = store(server).path("cache");
			assertThat(cache.path("delegate").asString()).isEqualTo("file");
			assertThat(cache.path("coherence").asString()).isEqualTo("validate");
			assertThat(cache.path("hits").asLong()).isPositive();
		}
	}

	@Test
	void parallelRequestsOfOneSessionSpreadOverBothProcessesLoseNoUpdate() throws Exception {
		String session = servers.get(0).newSession();
		List<CompletableFuture<Void>> hammers = new ArrayList<>();
		for (SessionClient server : servers) {
			hammers.add(CompletableFuture.runAsync(() -> {
				try {
					server.hammer("/increment?sleep=1", session, 4, 50);
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}));
		}
		CompletableFuture.allOf(hammers.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);
		for (SessionClient server : servers) {
			assertThat(server.count(session)).isEqualTo(2 * 4 * 50);
			JsonNode lock = store(server).path("lock");
			assertThat(lock.path("manager").asString()).isEqualTo("file");
			assertThat(lock.path("held").asInt()).isZero();
			assertThat(lock.path("timeouts").asLong()).isZero();
		}
	}

	private static JsonNode store(SessionClient server) throws Exception {
		HttpResponse<String> response = server.get("/actuator/sessionstore", null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json.readTree(response.body());
	}

	private static int awaitOtherPort() throws Exception {
		Pattern port = Pattern.compile(Pattern.quote(PORT_LINE) + "(\\d+)");
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		while (true) {
			String log = Files.exists(otherLog) ? Files.readString(otherLog) : "";
			Matcher matcher = port.matcher(log);
			if (matcher.find()) {
				return Integer.parseInt(matcher.group(1));
			}
			assertThat(other.isAlive()).as("the other process stopped:%n%s", log).isTrue();
			assertThat(System.nanoTime() - deadline).as("the other process did not start:%n%s", log).isNegative();
			Thread.sleep(100);
		}
	}

	/**
	 * The main class of the other process: the test application, which prints its port once it
	 * listens and stops when its standard input ends (when the test closes it, or dies), or
	 * after ten minutes at the most.
	 */
	public static final class OtherProcess {

		public static void main(String[] args) {
			Thread stdin = new Thread(() -> {
				try {
					while (System.in.read() != -1) {
						// nothing is sent: wait for the end
					}
				}
				catch (IOException ex) {
					// the end all the same
				}
				System.exit(0);
			});
			Thread deadline = new Thread(() -> {
				try {
					Thread.sleep(TimeUnit.MINUTES.toMillis(10));
				}
				catch (InterruptedException ex) {
					return;
				}
				System.exit(1);
			});
			for (Thread watch : List.of(stdin, deadline)) {
				watch.setDaemon(true);
				watch.start();
			}
			SpringApplication application = new SpringApplication(LockTestApplication.class);
			application.addListeners((ApplicationListener<ApplicationEvent>) (event) -> {
				if (event instanceof WebServerInitializedEvent initialized) {
					System.out.println(PORT_LINE + initialized.getWebServer().getPort());
				}
			});
			application.run(args);
		}

	}

}
