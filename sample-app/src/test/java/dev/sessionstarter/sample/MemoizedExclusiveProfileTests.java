package dev.sessionstarter.sample;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.test.context.TestPropertySource;

import dev.sessionstarter.store.file.FileSessionLockManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's {@code memoized} profile switched to exclusive coherence: the same visits, and
 * the cache holds the file lock of every session it caches, which another cache cannot take.
 */
@TestPropertySource(properties = "sessions.memoized.coherence=exclusive")
class MemoizedExclusiveProfileTests extends MemoizedProfileTests {

	@Test
	void holdsTheLockOfEverySessionItCaches() throws InterruptedException {
		String cookie = this.client.get("/visits", null).setCookie();
		assertThat(this.client.get("/visits", cookie).json().path("visits").asInt()).isEqualTo(2);
		JsonNode cache = this.client.json("/actuator/sessionstore").path("cache");
		assertThat(cache.path("sessions").asLong()).isPositive();
		assertThat(cache.path("heldLocks").asLong()).isEqualTo(cache.path("sessions").asLong());
		try (FileSessionLockManager anotherCache = FileSessionLockManager.forCache(sessions)) {
			assertThat(anotherCache.tryLock(SampleClient.sessionId(cookie), Duration.ZERO)).isNull();
		}
	}

	@Override
	String coherence() {
		return "exclusive";
	}

}
