package dev.sessionstarter.lock.e2e;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.sessionstarter.store.redis.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link LockTestApplication} on the {@code redis} store and its Redis request locks, over real
 * HTTP, while its real Redis is stopped: a request of a session is answered {@code 503} naming
 * Redis (not a bare 500 after an error dispatch that asks Redis again), and requests succeed
 * again by themselves once Redis is back. While Redis is frozen ({@code SIGSTOP}) every request,
 * with a session or without, ends within one Redis timeout (plus room for a busy machine),
 * whatever the lock timeout, with one {@code 503}.
 */
class RedisUnavailableEndToEndTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private static ConfigurableApplicationContext context;

	private static SessionClient client;

	@BeforeAll
	static void start() {
		List<String> properties = List.of("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
				"sessions.store=redis", "spring.data.redis.port=" + redis.port(), "sessions.redis.timeout=1s",
				"sessions.lock.timeout=30s");
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
	void aRequestOfASessionWhileRedisIsDownIsAnswered503NamingRedis() throws Exception {
		String session = client.newSession();
		redis.stop();
		try {
			HttpResponse<String> response = client.get("/increment", session);
			assertThat(response.statusCode()).isEqualTo(503);
			assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
			assertThat(response.body()).contains("Sessions are unavailable", "Redis at", ":" + redis.port());
		}
		finally {
			redis.start();
		}
		await().untilAsserted(() -> assertThat(client.get("/increment", session).statusCode()).isEqualTo(200));
	}

	@Test
	void everyRequestWhileRedisIsFrozenEndsWithinOneTimeoutWithA503NamingRedis() throws Exception {
		String session = client.newSession();
		redis.pause();
		try {
			assertOne503Soon("/increment", session);
			assertOne503Soon("/increment", null);
			assertOne503Soon("/count", session);
		}
		finally {
			redis.resume();
		}
		// the lock call Redis ran once it went on, after the client gave up on it, was released
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(client.get("/increment", session).statusCode()).isEqualTo(200));
	}

	private static void assertOne503Soon(String path, String session) throws Exception {
		long start = System.nanoTime();
		HttpResponse<String> response = client.get(path, session);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		String what = path + ((session != null) ? " with a session" : " without a session");
		assertThat(took).as(what).isLessThan(Duration.ofSeconds(5));
		assertThat(response.statusCode()).as(what + ": " + response.body()).isEqualTo(503);
		assertThat(response.body()).as(what).contains("Sessions are unavailable", "Redis at", ":" + redis.port());
	}

}
