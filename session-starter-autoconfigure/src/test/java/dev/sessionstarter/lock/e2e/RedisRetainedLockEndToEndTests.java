package dev.sessionstarter.lock.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.redis.RedisCalls;
import dev.sessionstarter.store.redis.RedisMonitor;
import dev.sessionstarter.store.redis.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two application processes on one Redis with retained request locks
 * ({@code sessions.redis.lock-retain=12s}: the holder trusts its lock for half of it, which
 * must outlast a loaded machine's pause between two requests of a test), over HTTP: every update
 * kept when requests of one session alternate between them, one command for a returning request
 * in the process that retains the lock, and a stopped holder ({@code SIGSTOP}) delays the other
 * only until its retention ends.
 */
class RedisRetainedLockEndToEndTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private static final String NAMESPACE = "retain-e2e-" + UUID.randomUUID();

	@TempDir
	static Path logs;

	private static TwoProcesses processes;

	@BeforeAll
	static void startBothProcesses() throws Exception {
		processes = TwoProcesses.start(List.of("sessions.store=redis", "sessions.redis.namespace=" + NAMESPACE,
				"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port(),
				"sessions.redis.lock-retain=12s", "sessions.lock.timeout=60s", "sessions.lock.on-timeout=reject"),
				logs.resolve("other.log"));
	}

	@AfterAll
	static void stopBothProcesses() throws Exception {
		if (processes != null) {
			processes.close();
		}
	}

	@Test
	void parallelRequestsOfOneSessionSpreadOverBothProcessesLoseNoUpdate() throws Exception {
		String session = processes.client(0).newSession();
		assertThat(processes.increment(session, 8, 100)).isEqualTo(800);
		assertThat(processes.client(1).count(session)).isEqualTo(800);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> processes.local().getBean(SessionLockManager.class).heldLocks() == 0);
	}

	@Test
	void aReturningRequestInTheProcessThatRetainsTheLockSendsOneCommand() throws Exception {
		RedisCalls calls = new RedisCalls(redis.connectionFactory(), Duration.ofSeconds(10));
		String session = processes.client(0).newSession();
		assertThat(processes.client(0).get("/increment", session).body()).isEqualTo("1");
		try (RedisMonitor monitor = new RedisMonitor(redis.port())) {
			monitor.sentSince(calls, NAMESPACE);
			assertThat(processes.client(0).get("/increment", session).body()).isEqualTo("2");
			assertThat(monitor.sentSince(calls, NAMESPACE)).as("the save, which keeps the lock")
				.containsExactly("EVALSHA");
			assertThat(processes.client(1).get("/increment", session).body())
				.as("the other process asks for the lock and gets it").isEqualTo("3");
			assertThat(processes.client(0).count(session)).isEqualTo(3);
		}
	}

	@Test
	void aStoppedHolderDelaysTheOtherProcessOnlyUntilItsRetentionEnds() throws Exception {
		String session = processes.client(1).newSession();
		assertThat(processes.client(1).get("/increment", session).body()).isEqualTo("1");
		assertThat(processes.client(1).get("/increment", session).body()).isEqualTo("2");
		signal("-STOP");
		try {
			assertThat(processes.client(0).get("/increment", session).body())
				.as("taken when the stopped holder's retention ran out").isEqualTo("3");
		}
		finally {
			signal("-CONT");
		}
		assertThat(processes.client(1).get("/increment", session).body()).isEqualTo("4");
	}

	private static void signal(String signal) throws Exception {
		Process kill = new ProcessBuilder("kill", signal, Long.toString(processes.otherPid())).inheritIO().start();
		assertThat(kill.waitFor()).isZero();
	}

}
