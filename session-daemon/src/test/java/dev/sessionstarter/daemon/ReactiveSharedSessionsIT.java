package dev.sessionstarter.daemon;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;

import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.lock.e2e.SessionClient;
import dev.sessionstarter.lock.e2e.TestApplicationProcess;
import dev.sessionstarter.reactive.e2e.ReactiveTestApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two WebFlux applications (Netty), each in its own JVM under BlockHound, with
 * {@code sessions.store=daemon} share their sessions and request locks through one daemon
 * process, over real HTTP: a session made in one is used in the other, and 8 x 100 parallel
 * read-modify-write requests of one session, every thread alternating between the two, lose
 * none with the daemon's locks and lose some without locks.
 */
class ReactiveSharedSessionsIT {

	@Test
	void twoWebFluxProcessesShareSessionsAndLocksThroughADaemon() throws Exception {
		try (DaemonProcess daemon = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()));
				TestApplicationProcess first = start(daemon, "locked-first.log");
				TestApplicationProcess second = start(daemon, "locked-second.log")) {
			List<SessionClient> clients = List.of(new SessionClient(first.port()), new SessionClient(second.port()));
			String session = clients.get(0).newSession("/increment");
			assertThat(clients.get(1).count(session)).isEqualTo(1);
			SessionClient.hammer(clients, "/increment?sleep=1", session, 8, 100);
			assertThat(clients.get(0).count(session)).isEqualTo(801);
			assertThat(clients.get(1).count(session)).isEqualTo(801);
			try (DaemonClient client = new DaemonClient(daemon.address(), Duration.ofSeconds(5), 1, 1, null)) {
				// a WebFlux request may release its lock after its response is sent
				await().atMost(Duration.ofSeconds(10)).until(() -> client.stats().locks() == 0);
				assertThat(client.stats().leaseExpiries()).isZero();
			}
			assertThat(first.output()).doesNotContain(TestApplicationProcess.BLOCKING_CALL);
			assertThat(second.output()).doesNotContain(TestApplicationProcess.BLOCKING_CALL);
		}
	}

	@Test
	void twoWebFluxProcessesWithoutLocksLoseUpdates() throws Exception {
		try (DaemonProcess daemon = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()));
				TestApplicationProcess first = start(daemon, "unlocked-first.log", "sessions.lock.manager=none");
				TestApplicationProcess second = start(daemon, "unlocked-second.log", "sessions.lock.manager=none")) {
			List<SessionClient> clients = List.of(new SessionClient(first.port()), new SessionClient(second.port()));
			String session = clients.get(0).newSession("/increment");
			SessionClient.hammer(clients, "/increment?sleep=1", session, 8, 100);
			assertThat(clients.get(1).count(session)).isPositive().isLessThan(801);
		}
	}

	private static TestApplicationProcess start(DaemonProcess daemon, String log, String... properties)
			throws Exception {
		List<String> all = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
				"sessions.store=daemon", "sessions.daemon.address=" + daemon.address().port(),
				"spring.main.banner-mode=off"));
		all.addAll(List.of(properties));
		return TestApplicationProcess.start(ReactiveTestApplication.class, WebApplicationType.REACTIVE, all,
				Path.of("target", "reactive-shared-" + log));
	}

}
