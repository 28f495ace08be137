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
 * Two processes on one real Redis, each running {@link LockTestApplication} with the
 * {@code redis} store and its native Redis request locks ({@link TwoProcesses}), over real
 * HTTP: parallel read-modify-write requests of one session, each client thread alternating
 * between the processes, lose nothing (a request that cannot get its lock in 60 seconds is
 * rejected, so a timeout fails the test instead of losing an update); and a returning request
 * that changes an attribute sends Redis two commands, as {@code MONITOR} lists them: the lock
 * (which answers the session) and the save (which releases the lock). The same workload without
 * request locks loses updates: {@link RedisNoLockEndToEndTests}.
 */
class RedisLockEndToEndTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private static final String NAMESPACE = "e2e-" + UUID.randomUUID();

	@TempDir
	static Path logs;

	private static TwoProcesses processes;

	@BeforeAll
	static void startBothProcesses() throws Exception {
		processes = TwoProcesses.start(List.of("sessions.store=redis", "sessions.redis.namespace=" + NAMESPACE,
				"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port(),
				"sessions.lock.timeout=60s",
				"sessions.lock.on-timeout=reject"), logs.resolve("other.log"));
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
	void aReturningRequestThatChangesAnAttributeSendsTwoCommands() throws Exception {
		RedisCalls calls = new RedisCalls(redis.connectionFactory(), Duration.ofSeconds(10));
		String session = processes.client(0).newSession();
		assertThat(processes.client(1).get("/increment", session).body()).isEqualTo("1");
		try (RedisMonitor monitor = new RedisMonitor(redis.port())) {
			monitor.sentSince(calls, NAMESPACE);
			assertThat(processes.client(0).get("/increment", session).body()).isEqualTo("2");
			assertThat(monitor.sentSince(calls, NAMESPACE)).as("the lock, then the save").hasSize(2)
				.containsOnly("EVALSHA");
			assertThat(processes.client(1).count(session)).isEqualTo(2);
			assertThat(monitor.sentSince(calls, NAMESPACE)).as("a request that only reads").hasSizeLessThanOrEqualTo(2);
		}
	}

}
