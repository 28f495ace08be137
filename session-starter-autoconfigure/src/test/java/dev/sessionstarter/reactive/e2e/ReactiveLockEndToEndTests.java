package dev.sessionstarter.reactive.e2e;

import java.net.http.HttpResponse;
import java.time.Duration;

import com.jayway.jsonpath.JsonPath;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import dev.sessionstarter.lock.LockStatistics;
import dev.sessionstarter.lock.e2e.SessionClient;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.metrics.SessionMeterNames;
import dev.sessionstarter.reactive.ReactiveStoreSessionRepository;
import dev.sessionstarter.store.StoredSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Request locking of a WebFlux application on a real Netty server with the default settings
 * (memory store, its native memory lock manager): parallel read-modify-write requests of one
 * session lose nothing; meters, {@code /actuator/sessionstore}, Boot's {@code /actuator/sessions}
 * and the principal index work as in a servlet application.
 */
@SpringBootTest(classes = ReactiveTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive",
				"management.endpoints.web.exposure.include=sessionstore,sessions" })
class ReactiveLockEndToEndTests {

	@LocalServerPort
	private int port;

	@Autowired
	private ApplicationContext context;

	@Autowired
	private SessionLockManager manager;

	@Autowired
	private LockStatistics statistics;

	@Autowired
	private MeterRegistry meterRegistry;

	private SessionClient client;

	@BeforeEach
	void createClient() {
		this.client = new SessionClient(this.port);
	}

	@Test
	void parallelRequestsOfOneSessionLoseNoUpdate() throws Exception {
		assertThat(this.context.getBean("webSessionManager").toString()).isNotNull();
		String session = this.client.newSession("/increment");
		this.client.hammer("/increment?sleep=1", session, 8, 100);
		assertThat(this.client.count(session)).isEqualTo(801);
		// a lock is released once its response is sent
		await().atMost(Duration.ofSeconds(10)).until(() -> this.manager.heldLocks() == 0);
		assertThat(this.statistics.timeouts()).isZero();
	}

	@Test
	void lockIsReleasedAndTheChangeKeptWhenTheHandlerFails() throws Exception {
		String session = this.client.newSession("/increment");
		HttpResponse<String> failed = this.client.get("/fail", session);
		assertThat(failed.statusCode()).isEqualTo(500);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.manager.heldLocks() == 0);
		assertThat(this.client.get("/increment", session).body()).isEqualTo("3");
	}

	@Test
	void metersEndpointsAndThePrincipalIndexWork() throws Exception {
		String session = this.client.newSession("/increment");
		String id = this.client.get("/login?user=alice", session).body();
		ReactiveStoreSessionRepository repository = this.context.getBean(ReactiveStoreSessionRepository.class);
		StoredSession found = repository.findById(id).block();
		assertThat(repository.findByPrincipalName("alice").block()).containsOnlyKeys(id);
		assertThat(found).isNotNull();
		assertThat((Integer) found.getAttribute("count")).isEqualTo(1);
		String store = this.client.get("/actuator/sessionstore", null).body();
		assertThat(JsonPath.<String>read(store, "$.store")).isEqualTo("memory");
		assertThat(JsonPath.<String>read(store, "$.lock.manager")).isEqualTo("memory");
		assertThat(JsonPath.<Number>read(store, "$.lock.acquisitions").longValue()).isPositive();
		HttpResponse<String> sessions = this.client.get("/actuator/sessions?username=alice", null);
		assertThat(sessions.statusCode()).as(sessions.body()).isEqualTo(200);
		assertThat(JsonPath.<String>read(sessions.body(), "$.sessions[0].id")).isEqualTo(id);
		assertThat(this.meterRegistry.get(SessionMeterNames.STORE_SIZE).gauge().value()).isPositive();
		assertThat(this.meterRegistry.get(SessionMeterNames.LOCK_WAIT).tag("manager", "memory").timer().count())
			.isPositive();
	}

}
