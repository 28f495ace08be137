package dev.sessionstarter.lock.e2e;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same workload as {@link SessionLockEndToEndTests} with {@code sessions.lock.manager=none}:
 * parallel requests of one session overwrite each other's updates, which proves the locking
 * test can fail.
 */
@SpringBootTest(classes = LockTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "sessions.lock.manager=none")
class NoLockEndToEndTests {

	@LocalServerPort
	private int port;

	@Test
	void parallelRequestsOfOneSessionLoseUpdatesWithoutLocking() throws Exception {
		SessionClient client = new SessionClient(this.port);
		String session = client.newSession();
		client.hammer("/increment?sleep=1", session, 8, 200);
		assertThat(client.count(session)).isPositive().isLessThan(1600);
	}

}
