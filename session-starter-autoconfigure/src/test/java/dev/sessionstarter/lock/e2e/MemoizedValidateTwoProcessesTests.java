package dev.sessionstarter.lock.e2e;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.time.Duration;

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

import dev.sessionstarter.ChildJvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The memoized store in validate coherence, shared without sticky sessions by two processes:
 * this JVM and a second one each run {@link LockTestApplication} (two application contexts) on
 * one file directory. Each caches the sessions it serves, yet neither reads a stale copy, and
 * the lost-update test of request locking passes across the two, every client thread
 * alternating between them: the native request locks of this configuration are the file lock
 * manager's OS locks, which hold between processes (a request that cannot get its lock in 60
 * seconds is rejected, so a timeout fails the test instead of losing an update).
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
				"sessions.file.dir=" + sessions, "sessions.lock.timeout=60s", "sessions.lock.on-timeout=reject",
				"management.endpoints.web.exposure.include=sessionstore");
		otherLog = logs.resolve("other.log");
		List<String> command = ChildJvm.command(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), OtherProcess.class);
		properties.forEach((property) -> command.add("--" + property));
		other = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(otherLog.toFile()).start();
		local = new SpringApplicationBuilder(LockTestApplication.class).properties(properties.toArray(String[]::new))
			.run();
		servers.add(new SessionClient(((WebServerApplicationContext) local).getWebServer().getPort()));
		servers.add(new SessionClient(awaitOtherPort()));
	}

	@AfterAll
	static void stopBothProcesses() throws Exception {
		servers.clear();
		if (local != null) {
			local.close();
		}
		if (other != null) {
			// the other process stops when its standard input ends
			other.getOutputStream().close();
			if (!other.waitFor(30, TimeUnit.SECONDS)) {
				other.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
			}
			if (other.exitValue() != 0) {
				String log = Files.readString(otherLog);
				System.err.printf("The other process exited with %d:%n%s%n", other.exitValue(), log);
			}
		}
	}

	@Test
	void eachProcessSeesTheOthersChangeOnItsNextRead() throws Exception {
		long[] hitsBefore = { hits(0), hits(1) };
		String session = servers.get(0).newSession();
		int[] order = { 1, 1, 0, 0, 1, 0, 1, 1, 0, 0 };
		for (int visit = 1; visit <= order.length; visit++) {
			int server = order[visit - 1];
			HttpResponse<String> response = servers.get(server).get("/increment", session);
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			assertThat(response.body()).as("visit %d, to process %d", visit, server).isEqualTo(String.valueOf(visit));
		}
		for (int server = 0; server < 2; server++) {
			JsonNode cache = store(server).path("cache");
			assertThat(cache.path("delegate").asString()).isEqualTo("file");
			assertThat(cache.path("coherence").asString()).isEqualTo("validate");
			assertThat(cache.path("hits").asLong()).as("cache hits of process %d", server)
				.isGreaterThan(hitsBefore[server]);
		}
	}

	@Test
	void parallelRequestsOfOneSessionSpreadOverBothProcessesLoseNoUpdate() throws Exception {
		long[] acquisitionsBefore = { lock(0).path("acquisitions").asLong(), lock(1).path("acquisitions").asLong() };
		String session = servers.get(0).newSession();
		int threads = 8;
		int requests = 50;
		Parallel.run(threads, (thread) -> {
			for (int i = 0; i < requests; i++) {
				// every thread alternates between the two processes
				HttpResponse<String> response = servers.get((thread + i) % 2).get("/increment?sleep=1", session);
				assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			}
		});
		for (int server = 0; server < 2; server++) {
			assertThat(servers.get(server).count(session)).isEqualTo(threads * requests);
			JsonNode lock = awaitNoLockHeld(server);
			assertThat(lock.path("manager").asString()).isEqualTo("file");
			assertThat(lock.path("acquisitions").asLong() - acquisitionsBefore[server])
				.as("request locks taken by process %d", server)
				.isGreaterThanOrEqualTo(threads * requests / 2);
			assertThat(lock.path("timeouts").asLong()).isZero();
		}
	}

	private static long hits(int server) throws Exception {
		return store(server).path("cache").path("hits").asLong();
	}

	private static JsonNode lock(int server) throws Exception {
		return store(server).path("lock");
	}

	/**
	 * Return a process's request lock figures once it holds no lock: the last request's lock
	 * is released after its response may have reached the client.
	 */
	private static JsonNode awaitNoLockHeld(int server) {
		return await("no request lock held by process " + server).atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> lock(server), (lock) -> lock.path("held").asInt() == 0);
	}

	private static JsonNode store(int server) throws Exception {
		HttpResponse<String> response = servers.get(server).get("/actuator/sessionstore", null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json.readTree(response.body());
	}

	private static int awaitOtherPort() {
		Pattern port = Pattern.compile(Pattern.quote(PORT_LINE) + "(\\d+)");
		Matcher started = await("the other process started").atMost(Duration.ofSeconds(120))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> {
				String log = Files.exists(otherLog) ? Files.readString(otherLog) : "";
				assertThat(other.isAlive()).as("the other process stopped:%n%s", log).isTrue();
				return port.matcher(log);
			}, Matcher::find);
		return Integer.parseInt(started.group(1));
	}

	/**
	 * The main class of the other process: the test application, which prints its port once it
	 * listens and stops when its standard input ends (when the test closes it, or dies), or
	 * after ten minutes at the most.
	 */
	public static final class OtherProcess {

		private OtherProcess() {
		}

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
