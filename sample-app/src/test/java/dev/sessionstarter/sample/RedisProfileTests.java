package dev.sessionstarter.sample;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.sessionstarter.store.redis.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample with its {@code redis} profile, over real HTTP, against a real
 * {@code redis-server} started for the class: the visits count up, the session is a hash in
 * Redis, and the {@code sessionstore} endpoint and health report Redis.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("redis")
@DirtiesContext
class RedisProfileTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	@LocalServerPort
	private int port;

	private SampleClient client;

	@DynamicPropertySource
	static void redisAddress(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.port", redis::port);
	}

	@BeforeEach
	void createClient() {
		this.client = new SampleClient(this.port);
	}

	@Test
	void visitsCountUpInASessionThatLivesInRedis() {
		String cookie = this.client.get("/visits", null).setCookie();
		assertThat(cookie).isNotNull();
		for (int visit = 2; visit <= 5; visit++) {
			assertThat(this.client.get("/visits", cookie).json().path("visits").asInt()).isEqualTo(visit);
		}
		StringRedisTemplate redisClient = new StringRedisTemplate(redis.connectionFactory());
		String key = "sessions:{" + SampleClient.sessionId(cookie) + "}";
		assertThat(redisClient.hasKey(key)).as("the session's hash %s", key).isTrue();
		assertThat(redisClient.opsForHash().hasKey(key, "attr:" + VisitController.VISITS)).isTrue();
		assertThat(redisClient.opsForHash().get(key, "version")).isNotNull();
	}

	@Test
	void theEndpointAndHealthReportRedis() {
		this.client.get("/visits", null);
		JsonNode store = this.client.json("/actuator/sessionstore");
		assertThat(store.path("store").asString()).isEqualTo("redis");
		assertThat(store.path("sessions").asLong()).isPositive();
		JsonNode health = this.client.json("/actuator/health");
		assertThat(health.path("components").path("redis").path("status").asString()).isEqualTo("UP");
	}

}
