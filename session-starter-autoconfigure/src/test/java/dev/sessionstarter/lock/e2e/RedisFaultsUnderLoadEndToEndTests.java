package dev.sessionstarter.lock.e2e;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.lock.e2e.HttpLoad.Outcome;
import dev.sessionstarter.store.redis.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link LockTestApplication} on the {@code redis} store and its Redis request locks, under real
 * HTTP load (8 threads, two on each of 4 sessions, read-modify-write requests), while its real
 * Redis is killed and started again, or frozen ({@code SIGSTOP}) for 5 seconds: no request hangs,
 * every one ends within {@code sessions.redis.timeout} (1 s) and a generous margin for a loaded
 * machine, those that fail are answered {@code 503} naming the Redis address, and requests succeed
 * again by themselves once Redis is back. A request fails either taking its lock (the lock path) or
 * saving the session after it took its lock (the save path); the last test fails the save path
 * alone.
 */
class RedisFaultsUnderLoadEndToEndTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	/**
	 * How long a request may take beyond {@link #TIMEOUT}: most of it is for the machine's load.
	 */
	private static final Duration MARGIN = Duration.ofSeconds(4);

	private static final Duration PAUSE = Duration.ofSeconds(5);

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private static ConfigurableApplicationContext context;

	private static SessionClient client;

	@BeforeAll
	static void start() {
		List<String> properties = List.of("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
				"sessions.store=redis", "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port(),
				"sessions.redis.timeout=" + TIMEOUT.toMillis() + "ms");
		context = new SpringApplicationBuilder(LockTestApplication.class).properties(properties.toArray(String[]::new))
			.run();
		client = new SessionClient(((WebServerApplicationContext) context).getWebServer().getPort());
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
	}

	@Test
	void aKilledRedisFailsRequestsWithin503AndTheyServeAgainAfterItsRestart() throws Exception {
		try (HttpLoad load = load()) {
			awaitServing(load, System.nanoTime());
			long killed = System.nanoTime();
			redis.stop();
			try {
				await().atMost(Duration.ofSeconds(60)).until(() -> load.count((outcome) -> outcome.start() > killed
						&& outcome.status() != 200) >= 16);
			}
			finally {
				redis.start();
			}
			awaitServing(load, System.nanoTime());
			load.close();
			assertEndedInTime(load.outcomes());
		}
	}

	@Test
	void aFrozenRedisFailsRequestsWith503AndTheyServeAgainWhenItGoesOn() throws Exception {
		try (HttpLoad load = load()) {
			awaitServing(load, System.nanoTime());
			long paused = System.nanoTime();
			redis.pause();
			try {
				await().pollDelay(PAUSE).atMost(PAUSE.plusSeconds(60)).until(() -> load.count((outcome) ->
						outcome.start() > paused && outcome.status() != 200) >= 16);
			}
			finally {
				redis.resume();
			}
			awaitServing(load, System.nanoTime());
			load.close();
			assertEndedInTime(load.outcomes());
		}
	}

	@Test
	void aSaveThatFailsAfterTheLockWasTakenIsAnswered503() throws Exception {
		HttpResponse<String> response = requestWhoseSaveFails(1500);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
		assertThat(response.body()).contains("Sessions are unavailable", "Redis at 127.0.0.1:" + redis.port());
	}

	/**
	 * The save path answered by the save's own failure: one 503 naming the save, and no error
	 * dispatch that asks Redis again (the lock filter answers the {@code StoreUnavailableException}
	 * of the chain).
	 */
	@Test
	void aSaveThatFailsAfterTheLockWasTakenIsAnsweredByItsOwnFailure() throws Exception {
		HttpResponse<String> response = requestWhoseSaveFails(1500);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
		assertThat(response.body()).contains("did not answer save");
	}

	/**
	 * Send a request that takes its lock, then sleeps while Redis is frozen, so its save fails,
	 * and check it ends within its sleep, the deadline and the margin.
	 */
	private static HttpResponse<String> requestWhoseSaveFails(long sleep) throws Exception {
		String session = client.newSession();
		CompletableFuture<HttpResponse<String>> request = CompletableFuture
			.supplyAsync(() -> LockTimeoutRejectEndToEndTests.send(client, "/increment?sleep=" + sleep, session));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> context.getBean(SessionLockManager.class).heldLocks() == 1);
		long start = System.nanoTime();
		redis.pause();
		HttpResponse<String> response;
		try {
			response = request.get(60, TimeUnit.SECONDS);
		}
		finally {
			redis.resume();
		}
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		System.out.println("The save path: " + response.statusCode() + " after " + took.toMillis() + " ms: "
				+ response.body().strip());
		assertThat(took).isLessThan(Duration.ofMillis(sleep).plus(TIMEOUT).plus(MARGIN));
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(client.get("/increment", session).statusCode()).isEqualTo(200));
		return response;
	}

	private static HttpLoad load() throws Exception {
		List<String> sessions = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			sessions.add(client.newSession());
		}
		return new HttpLoad(client, "/increment", sessions, 8);
	}

	private static void awaitServing(HttpLoad load, long since) {
		await("every thread served").atMost(Duration.ofSeconds(60)).until(() -> load.eachThreadSucceededSince(since));
	}

	/**
	 * Check that no request hung or took longer than the deadline and the margin, and that each
	 * that failed was answered 503 naming Redis.
	 */
	private static void assertEndedInTime(List<Outcome> outcomes) {
		assertThat(outcomes).allSatisfy((outcome) -> {
			assertThat(outcome.failure()).as("%s", outcome).isNull();
			assertThat(outcome.duration()).as("%s", outcome).isLessThan(TIMEOUT.plus(MARGIN));
			if (outcome.status() != 200) {
				assertThat(outcome.status()).as("%s", outcome).isEqualTo(503);
				assertThat(outcome.body()).as("%s", outcome).contains("Redis at 127.0.0.1:" + redis.port());
			}
		});
		System.out.printf("%d requests: %d answered 200, %d answered 503, the longest %d ms%n", outcomes.size(),
				outcomes.stream().filter((outcome) -> outcome.status() == 200).count(),
				outcomes.stream().filter((outcome) -> outcome.status() == 503).count(),
				outcomes.stream().mapToLong((outcome) -> outcome.duration().toMillis()).max().orElse(0));
	}

}
