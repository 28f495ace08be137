package dev.sessionstarter.daemon;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;

import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.lock.e2e.LockTestApplication;
import dev.sessionstarter.lock.e2e.SessionClient;
import dev.sessionstarter.lock.e2e.TestApplicationProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The lost-update test of request locking, across two JVMs: two processes of the lock tests'
 * application (read a counter from the session, sleep, write it back incremented) share one
 * daemon for sessions and locks ({@code sessions.store=daemon}, whose native lock manager is the
 * daemon's), and parallel requests of one session sent to both lose no increment.
 */
class TwoApplicationsLockIT {

	@Test
	void parallelRequestsOfOneSessionOnTwoProcessesLoseNoUpdate() throws Exception {
		try (DaemonProcess daemon = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()));
				TestApplicationProcess first = start(daemon, "first.log");
				TestApplicationProcess second = start(daemon, "second.log")) {
			List<SessionClient> clients = List.of(new SessionClient(first.port()), new SessionClient(second.port()));
			String session = clients.get(0).newSession();
			SessionClient.hammer(clients, "/increment?sleep=1", session, 8, 100);
			assertThat(clients.get(1).count(session)).isEqualTo(800);
			assertThat(clients.get(0).count(session)).isEqualTo(800);
			try (DaemonClient client = new DaemonClient(daemon.address(), Duration.ofSeconds(5), 1, 1, null)) {
				// the last release is sent without waiting for its answer
				await().atMost(Duration.ofSeconds(10)).until(() -> client.stats().locks() == 0);
				assertThat(client.stats().leaseExpiries()).isZero();
			}
		}
	}

	private static TestApplicationProcess start(DaemonProcess daemon, String log) throws Exception {
		return TestApplicationProcess.start(LockTestApplication.class, WebApplicationType.SERVLET,
				List.of("server.port=0", "server.address=127.0.0.1", "sessions.store=daemon",
						"sessions.daemon.address=" + daemon.address().port(), "spring.main.banner-mode=off"),
				Path.of("target", "two-applications-lock-" + log));
	}

}
