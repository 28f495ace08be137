package dev.sessionstarter.lock.e2e;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

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

	private static final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	static Path sessions;

	@TempDir
	static Path logs;

	private static ConfigurableApplicationContext local;

	private static TestApplicationProcess other;

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
		other = TestApplicationProcess.start(properties, logs.resolve("other.log"));
		local = new SpringApplicationBuilder(LockTestApplication.class).properties(properties.toArray(String[]::new))
			.run();
		servers.add(new SessionClient(((WebServerApplicationContext) local).getWebServer().getPort()));
		servers.add(new SessionClient(other.port()));
	}

	@AfterAll
	static void stopBothProcesses() throws Exception {
		servers.clear();
		if (local != null) {
			local.close();
		}
		if (other != null) {
			other.close();
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

}
