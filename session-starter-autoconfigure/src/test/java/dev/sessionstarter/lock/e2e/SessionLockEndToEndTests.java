package dev.sessionstarter.lock.e2e;

import java.net.http.HttpResponse;

import com.jayway.jsonpath.JsonPath;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.sessionstarter.lock.LockStatistics;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.metrics.SessionMeterNames;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request locking on a real embedded server with the default settings (memory store, its
 * native memory lock manager): parallel read-modify-write requests of one session lose nothing.
 */
@SpringBootTest(classes = LockTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "management.endpoints.web.exposure.include=sessionstore")
class SessionLockEndToEndTests {

	@LocalServerPort
	private int port;

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
		String session = this.client.newSession();
		this.client.hammer("/increment?sleep=1", session, 8, 200);
		assertThat(this.client.count(session)).isEqualTo(1600);
		assertThat(this.manager.heldLocks()).isZero();
		assertThat(this.statistics.timeouts()).isZero();
	}

	@Test
	void asynchronousRequestsHoldTheLockUntilTheyComplete() throws Exception {
		String session = this.client.newSession();
		this.client.hammer("/async-increment", session, 4, 25);
		assertThat(this.client.count(session)).isEqualTo(100);
		assertThat(this.manager.heldLocks()).isZero();
	}

	@Test
	void forwardAndIncludeShareTheLockOfTheirRequest() throws Exception {
		String session = this.client.newSession();
		long timeouts = this.statistics.timeouts();
		assertThat(this.client.get("/forward", session).body()).isEqualTo("1");
		assertThat(this.client.get("/include", session).body()).isEqualTo("2");
		assertThat(this.client.count(session)).isEqualTo(2);
		assertThat(this.statistics.timeouts()).isEqualTo(timeouts);
		assertThat(this.manager.heldLocks()).isZero();
	}

	@Test
	void lockIsReleasedWhenTheControllerThrows() throws Exception {
		String session = this.client.newSession();
		long timeouts = this.statistics.timeouts();
		HttpResponse<String> failed = this.client.get("/fail", session);
		assertThat(failed.statusCode()).isEqualTo(500);
		assertThat(this.meterRegistry.get(SessionMeterNames.LOCK_HELD).tag("manager", "memory").gauge().value())
			.isZero();
		assertThat(this.client.get("/increment", session).body()).isEqualTo("1");
		assertThat(this.statistics.timeouts()).isEqualTo(timeouts);
	}

	@Test
	void endpointAndMetersShowTheLocking() throws Exception {
		String session = this.client.newSession();
		this.client.get("/increment", session);
		String body = this.client.get("/actuator/sessionstore", null).body();
		assertThat(JsonPath.<String>read(body, "$.lock.manager")).isEqualTo("memory");
		assertThat(JsonPath.<String>read(body, "$.lock.timeout")).isEqualTo("PT5S");
		assertThat(JsonPath.<Integer>read(body, "$.lock.held")).isZero();
		assertThat(JsonPath.<Number>read(body, "$.lock.acquisitions").longValue()).isPositive();
		assertThat(JsonPath.<String>read(body, "$.store")).isEqualTo("memory");
		assertThat(this.meterRegistry.get(SessionMeterNames.LOCK_WAIT).tag("manager", "memory").timer().count())
			.isPositive();
		assertThat(this.meterRegistry.get(SessionMeterNames.LOCK_TIMEOUTS).functionCounter().count()).isZero();
	}

}
