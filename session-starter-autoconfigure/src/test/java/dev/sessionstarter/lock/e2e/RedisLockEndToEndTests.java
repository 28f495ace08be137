package dev.sessionstarter.lock.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.redis.RedisCalls;
import dev.sessionstarter.store.redis.RedisMonitor;
import dev.sessionstarter.store.redis.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of {@link LockTestApplication} (two application contexts) on one real Redis, with
 * the {@code redis} store and its native Redis request locks, over real HTTP: parallel
 * read-modify-write requests of one session, each client thread alternating between the
 * instances, lose nothing; and a returning request that changes an attribute sends Redis two
 * commands, as {@code MONITOR} lists them: the lock (which answers the session) and the save
 * (which releases the lock).
 */
class RedisLockEndToEndTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private static final String NAMESPACE = "e2e-" + UUID.randomUUID();

	private static final List<ConfigurableApplicationContext> instances = new ArrayList<>();

	private static final List<SessionClient> clients = new ArrayList<>();

	@BeforeAll
	static void startTwoInstances() {
		for (int i = 0; i < 2; i++) {
			ConfigurableApplicationContext context = new SpringApplicationBuilder(LockTestApplication.class)
				.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
						"sessions.store=redis", "sessions.redis.namespace=" + NAMESPACE,
						"spring.data.redis.port=" + redis.port(), "sessions.lock.timeout=60s",
						"sessions.lock.on-timeout=reject")
				.run();
			instances.add(context);
			clients.add(new SessionClient(((WebServerApplicationContext) context).getWebServer().getPort()));
		}
	}

	@AfterAll
	static void stopInstances() {
		instances.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void parallelRequestsOfOneSessionAcrossInstancesLoseNoUpdate() throws Exception {
		String session = clients.get(0).newSession();
		Parallel.run(8, (thread) -> {
			for (int i = 0; i < 50; i++) {
				assertThat(clients.get((thread + i) % 2).get("/increment", session).statusCode()).isEqualTo(200);
			}
		});
		assertThat(clients.get(1).count(session)).isEqualTo(400);
		instances.forEach((instance) -> assertThat(instance.getBean(SessionLockManager.class).heldLocks()).isZero());
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
