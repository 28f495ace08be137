package dev.sessionstarter.lock.e2e;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.sessionstarter.metrics.SessionMeterNames;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request that waits longer than {@code sessions.lock.timeout} for its session's lock is
 * answered 503 with {@code Retry-After} when {@code sessions.lock.on-timeout=reject}.
 */
@SpringBootTest(classes = LockTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sessions.lock.timeout=200ms", "sessions.lock.on-timeout=reject" })
class LockTimeoutRejectEndToEndTests {

	@LocalServerPort
	private int port;

	@Autowired
	private LockTestApplication.Gate gate;

	@Autowired
	private MeterRegistry meterRegistry;

	@Test
	void requestBehindALongHolderIsRejectedWith503AndCounted() throws Exception {
		SessionClient client = new SessionClient(this.port);
		String session = client.newSession();
		this.gate.reset();
		CompletableFuture<HttpResponse<String>> holder = CompletableFuture
			.supplyAsync(() -> send(client, "/hold", session));
		assertThat(this.gate.awaitEntered()).isTrue();
		HttpResponse<String> rejected = client.get("/increment", session);
		assertThat(holder).isNotDone();
		this.gate.open();
		assertThat(holder.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		assertThat(rejected.statusCode()).isEqualTo(503);
		assertThat(rejected.headers().firstValue("Retry-After")).hasValue("1");
		assertThat(client.count(session)).isZero();
		assertThat(this.meterRegistry.get(SessionMeterNames.LOCK_TIMEOUTS).tag("manager", "memory")
			.functionCounter().count()).isOne();
		assertThat(this.meterRegistry.get(SessionMeterNames.LOCK_HELD).gauge().value()).isZero();
	}

	static HttpResponse<String> send(SessionClient client, String path, String session) {
		try {
			return client.get(path, session);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
