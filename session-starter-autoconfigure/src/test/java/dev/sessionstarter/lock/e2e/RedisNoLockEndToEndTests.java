package dev.sessionstarter.lock.e2e;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.store.redis.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The workload of {@link RedisLockEndToEndTests} (two processes on one real Redis, 8 threads x
 * 100 read-modify-write requests of one session, each thread alternating between the processes)
 * with {@code sessions.lock.manager=none}: requests of one session overwrite each other's update,
 * across processes as within one, and the counter ends well below 800. This is what the Redis
 * request locks prevent, and the proof that the test with them can fail.
 */
class RedisNoLockEndToEndTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	@TempDir
	static Path logs;

	private static TwoProcesses processes;

	@BeforeAll
	static void startBothProcesses() throws Exception {
		processes = TwoProcesses.start(List.of("sessions.store=redis", "spring.data.redis.host=127.0.0.1",
				"spring.data.redis.port=" + redis.port(), "sessions.lock.manager=none"), logs.resolve("other.log"));
	}

	@AfterAll
	static void stopBothProcesses() throws Exception {
		if (processes != null) {
			processes.close();
		}
	}

	@Test
	void parallelRequestsOfOneSessionSpreadOverBothProcessesLoseUpdatesWithoutLocks() throws Exception {
		String session = processes.client(0).newSession();
		int count = processes.increment(session, 8, 100);
		System.out.println("Without request locks, 800 increments over two processes left " + count);
		assertThat(count).isPositive().isLessThan(700);
		assertThat(processes.client(1).count(session)).isEqualTo(count);
	}

}
