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
 * handled without it when {@code sessions.lock.on-timeout=proceed} (the default).
 */
@SpringBootTest(classes = LockTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "sessions.lock.timeout=200ms")
class LockTimeoutProceedEndToEndTests {

	@LocalServerPort
	private int port;

	@Autowired
	private LockTestApplication.Gate gate;

	@Autowired
	private MeterRegistry meterRegistry;

	@Test
	void requestBehindALongHolderProceedsWithoutTheLockAndIsCounted() throws Exception {
		SessionClient client = new SessionClient(this.port);
		String session = client.newSession();
		this.gate.reset();
		CompletableFuture<HttpResponse<String>> holder = CompletableFuture
			.supplyAsync(() -> LockTimeoutRejectEndToEndTests.send(client, "/hold", session));
		assertThat(this.gate.awaitEntered()).isTrue();
		HttpResponse<String> proceeded = client.get("/increment", session);
		assertThat(proceeded.statusCode()).isEqualTo(200);
		assertThat(proceeded.body()).isEqualTo("1");
		assertThat(holder).isNotDone();
		assertThat(this.meterRegistry.get(SessionMeterNames.LOCK_HELD).tag("manager", "memory").gauge().value())
			.isOne();
		this.gate.open();
		assertThat(holder.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		assertThat(this.meterRegistry.get(SessionMeterNames.LOCK_TIMEOUTS).functionCounter().count()).isOne();
		assertThat(this.meterRegistry.get(SessionMeterNames.LOCK_HELD).gauge().value()).isZero();
	}

}
