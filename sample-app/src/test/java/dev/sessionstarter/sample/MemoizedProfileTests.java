package dev.sessionstarter.sample;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.sessionstarter.sample.SampleClient.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample with its {@code memoized} profile (a cache in front of the file store, validate
 * coherence), over real HTTP: the visits count up, served from the cache, and every visit is
 * written to the session's file before its response. The context is closed after the class,
 * before its session directory is deleted.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("memoized")
@DirtiesContext
class MemoizedProfileTests {

	@TempDir
	static Path sessions;

	@LocalServerPort
	private int port;

	SampleClient client;

	@DynamicPropertySource
	static void sessionDirectory(DynamicPropertyRegistry registry) {
		registry.add("sessions.file.dir", () -> sessions.toString());
	}

	@BeforeEach
	void createClient() {
		this.client = new SampleClient(this.port);
	}

	@Test
	void visitsCountUpFromTheCacheAndReachTheSessionFile() throws Exception {
		long hitsBefore = this.client.json("/actuator/sessionstore").path("cache").path("hits").asLong();
		String cookie = this.client.get("/visits", null).setCookie();
		assertThat(cookie).isNotNull();
		Path file = sessions.resolve(SampleClient.sessionId(cookie) + ".session");
		for (int visit = 2; visit <= 5; visit++) {
			byte[] before = Files.readAllBytes(file);
			Response next = this.client.get("/visits", cookie);
			assertThat(next.json().path("visits").asInt()).isEqualTo(visit);
			assertThat(Files.readAllBytes(file)).as("the session file after visit %d", visit).isNotEqualTo(before);
		}
		JsonNode store = this.client.json("/actuator/sessionstore");
		assertThat(store.path("store").asString()).isEqualTo("memoized");
		JsonNode cache = store.path("cache");
		assertThat(cache.path("delegate").asString()).isEqualTo("file");
		assertThat(cache.path("coherence").asString()).isEqualTo(coherence());
		assertThat(cache.path("hits").asLong() - hitsBefore).isGreaterThanOrEqualTo(4);
		assertThat(cache.path("maxSessions").asLong()).isEqualTo(10_000);
		assertThat(cache.path("maxBytes").asLong()).isEqualTo(16L * 1024 * 1024);
	}

	String coherence() {
		return "validate";
	}

}
