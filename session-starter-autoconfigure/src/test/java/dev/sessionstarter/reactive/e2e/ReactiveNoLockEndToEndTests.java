package dev.sessionstarter.reactive.e2e;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.sessionstarter.lock.e2e.SessionClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same workload as {@link ReactiveLockEndToEndTests} with {@code sessions.lock.manager=none}:
 * parallel requests of one session overwrite each other's updates, which is what the locks are
 * for.
 */
@SpringBootTest(classes = ReactiveTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "sessions.lock.manager=none" })
class ReactiveNoLockEndToEndTests {

	@LocalServerPort
	private int port;

	@Test
	void parallelRequestsOfOneSessionLoseUpdatesWithoutLocks() throws Exception {
		SessionClient client = new SessionClient(this.port);
		String session = client.newSession("/increment");
		client.hammer("/increment?sleep=1", session, 8, 100);
		assertThat(client.count(session)).isLessThan(801);
	}

}
