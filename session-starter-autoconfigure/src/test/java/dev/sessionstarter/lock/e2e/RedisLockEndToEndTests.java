package dev.sessionstarter.lock.e2e;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.redis.RedisCalls;
import dev.sessionstarter.store.redis.RedisMonitor;
import dev.sessionstarter.store.redis.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two processes on one real Redis, each running {@link LockTestApplication} with the
 * {@code redis} store and its native Redis request locks (this JVM and a second one), over real
 * HTTP: parallel read-modify-write requests of one session, each client thread alternating
 * between the processes, lose nothing (a request that cannot get its lock in 60 seconds is
 * rejected, so a timeout fails the test instead of losing an update); and a returning request
 * that changes an attribute sends Redis two commands, as {@code MONITOR} lists them: the lock
 * (which answers the session) and the save (which releases the lock).
 */
class RedisLockEndToEndTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private static final String NAMESPACE = "e2e-" + UUID.randomUUID();

	@TempDir
	static Path logs;

	private static ConfigurableApplicationContext local;

	private static TestApplicationProcess other;

	/**
	 * A client of this JVM's server, then one of the other process's.
	 */
	private static final List<SessionClient> clients = new ArrayList<>();

	@BeforeAll
	static void startBothProcesses() throws Exception {
		List<String> properties = List.of("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
				"sessions.store=redis", "sessions.redis.namespace=" + NAMESPACE,
				"spring.data.redis.port=" + redis.port(), "sessions.lock.timeout=60s",
				"sessions.lock.on-timeout=reject");
		other = TestApplicationProcess.start(properties, logs.resolve("other.log"));
		local = new SpringApplicationBuilder(LockTestApplication.class).properties(properties.toArray(String[]::new))
			.run();
		clients.add(new SessionClient(((WebServerApplicationContext) local).getWebServer().getPort()));
		clients.add(new SessionClient(other.port()));
	}

	@AfterAll
	static void stopBothProcesses() throws Exception {
		clients.clear();
		if (local != null) {
			local.close();
		}
		if (other != null) {
			other.close();
		}
	}

	@Test
	void parallelRequestsOfOneSessionSpreadOverBothProcessesLoseNoUpdate() throws Exception {
		String session = clients.get(0).newSession();
		int threads = 8;
		int requests = 100;
		Parallel.run(threads, (thread) -> {
			for (int i = 0; i < requests; i++) {
				// every thread alternates between the two processes
				HttpResponse<String> response = clients.get((thread + i) % 2).get("/increment", session);
				assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			}
		});
		assertThat(clients.get(0).count(session)).isEqualTo(threads * requests);
		assertThat(clients.get(1).count(session)).isEqualTo(threads * requests);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> local.getBean(SessionLockManager.class).heldLocks() == 0);
	}

	@Test
	void aReturningRequestThatChangesAnAttributeSendsTwoCommands() throws Exception {
		RedisCalls calls = new RedisCalls(redis.connectionFactory(), Duration.ofSeconds(10));
		String session = clients.get(0).newSession();
		assertThat(clients.get(1).get("/increment", session).body()).isEqualTo("1");
		try (RedisMonitor monitor = new RedisMonitor(redis.port())) {
			monitor.sentSince(calls, NAMESPACE);
			assertThat(clients.get(0).get("/increment", session).body()).isEqualTo("2");
			assertThat(monitor.sentSince(calls, NAMESPACE)).as("the lock, then the save").hasSize(2)
				.containsOnly("EVALSHA");
			assertThat(clients.get(1).count(session)).isEqualTo(2);
			assertThat(monitor.sentSince(calls, NAMESPACE)).as("a request that only reads").hasSizeLessThanOrEqualTo(2);
		}
	}

}
