package dev.sessionstarter.lock.e2e;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.redis.RedisCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The two-process tests of {@link RedisLockEndToEndTests} on a Redis Cluster of three masters
 * ({@link RedisCluster}), which both processes reach through {@code spring.data.redis.cluster.nodes}:
 * the lost-update workload with Redis request locks ends at exactly 800, a session made in one
 * process is used in the other, and {@code /actuator/sessions?username=} of either lists the
 * user's sessions of both.
 */
class RedisClusterEndToEndTests {

	@RegisterExtension
	static final RedisCluster cluster = new RedisCluster();

	private static final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	static Path logs;

	private static TwoProcesses processes;

	@BeforeAll
	static void startBothProcesses() throws Exception {
		processes = TwoProcesses.start(List.of("sessions.store=redis",
				"spring.data.redis.cluster.nodes=" + String.join(",", cluster.nodes()), "sessions.lock.timeout=60s",
				"sessions.lock.on-timeout=reject", "management.endpoints.web.exposure.include=sessions"),
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
		assertThat(processes.local().getBean(LettuceConnectionFactory.class).isClusterAware()).isTrue();
		String session = processes.client(0).newSession();
		assertThat(processes.increment(session, 8, 100)).isEqualTo(800);
		assertThat(processes.client(1).count(session)).isEqualTo(800);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> processes.local().getBean(SessionLockManager.class).heldLocks() == 0);
	}

	@Test
	void aSessionMadeInOneProcessIsUsedInTheOther() throws Exception {
		String session = processes.client(1).newSession();
		assertThat(processes.client(0).get("/increment", session).body()).isEqualTo("1");
		assertThat(processes.client(1).get("/increment", session).body()).isEqualTo("2");
		assertThat(processes.client(0).count(session)).isEqualTo(2);
	}

	@Test
	void theSessionsEndpointOfEitherProcessListsAUsersSessionsOfBoth() throws Exception {
		List<String> ids = new ArrayList<>();
		for (int process = 0; process < 2; process++) {
			String session = processes.client(process).newSession();
			assertThat(processes.client(process).get("/sign-in?user=carol", session).statusCode()).isEqualTo(200);
			ids.add(new String(Base64.getDecoder().decode(session), StandardCharsets.UTF_8));
		}
		for (int process = 0; process < 2; process++) {
			HttpResponse<String> response = processes.client(process).get("/actuator/sessions?username=carol", null);
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			List<String> listed = new ArrayList<>();
			for (JsonNode session : json.readTree(response.body()).path("sessions")) {
				listed.add(session.path("id").asString());
			}
			assertThat(listed).as("listed by process %d", process).containsExactlyInAnyOrderElementsOf(ids);
		}
	}

}
