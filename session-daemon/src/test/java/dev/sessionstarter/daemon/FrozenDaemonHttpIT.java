package dev.sessionstarter.daemon;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonSessionLockManager;
import dev.sessionstarter.lock.e2e.LockTestApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The lock tests' application on the {@code daemon} store and its daemon locks, not retained
 * ({@code sessions.daemon.lock-retain=0}: a retained lock serves a request without a call), over
 * real HTTP, while its real daemon process is frozen ({@code SIGSTOP}) and with a lock timeout
 * far longer than the daemon timeout: every request ends within one daemon timeout (plus a
 * margin for a busy machine) with one {@code 503} naming the daemon, makes one failed call to it
 * (the error handling asks nothing again), and requests succeed again once the daemon resumes. A
 * request that waits for a lock another process holds when the daemon freezes ends as soon.
 */
class FrozenDaemonHttpIT {

	private static final Duration DAEMON_TIMEOUT = Duration.ofSeconds(2);

	/** The daemon timeout plus generous room for a loaded machine; far below the lock timeout. */
	private static final Duration BOUND = DAEMON_TIMEOUT.plusSeconds(4);

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	private DaemonProcess daemon;

	private ConfigurableApplicationContext context;

	private int port;

	@BeforeEach
	void start() throws Exception {
		this.daemon = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()));
		List<String> properties = List.of("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
				"sessions.store=daemon", "sessions.daemon.address=" + this.daemon.address().port(),
				"sessions.daemon.timeout=" + DAEMON_TIMEOUT.toMillis() + "ms", "sessions.lock.timeout=30s",
				// without retained locks: every request calls the daemon, and no notice connection fails calls too
				"sessions.daemon.lock-retain=0");
		this.context = new SpringApplicationBuilder(LockTestApplication.class)
			.properties(properties.toArray(String[]::new))
			.run();
		this.port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	@AfterEach
	void stop() throws Exception {
		try {
			if (this.daemon != null && this.daemon.isAlive()) {
				signal("CONT", this.daemon.pid());
			}
			if (this.context != null) {
				this.context.close();
			}
		}
		finally {
			if (this.daemon != null) {
				this.daemon.close();
			}
		}
	}

	@Test
	void requestsAgainstAFrozenDaemonEndWithinOneTimeoutWithOne503AndOneCall() throws Exception {
		String session = newSession();
		assertThat(get("/increment", session).statusCode()).isEqualTo(200);
		signal("STOP", this.daemon.pid());
		SoftAssertions softly = new SoftAssertions();
		assertOne503(softly, "/increment", session);
		assertOne503(softly, "/increment", null);
		assertOne503(softly, "/count", session);
		signal("CONT", this.daemon.pid());
		softly.assertAll();
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(get("/increment", session).statusCode()).isEqualTo(200));
		assertThat(get("/count", session).body()).isEqualTo("2");
		assertThat(get("/increment", null).statusCode()).isEqualTo(200);
	}

	@Test
	void aRequestWaitingForALockAnotherProcessHoldsEndsWithinOneTimeoutOfTheDaemonFreezing() throws Exception {
		String session = newSession();
		String sessionId = new String(Base64.getDecoder().decode(session), StandardCharsets.US_ASCII);
		DaemonClient lockClient = this.context.getBean("sessionDaemonLockClient", DaemonClient.class);
		try (DaemonClient otherProcess = new DaemonClient(this.daemon.address(), Duration.ofSeconds(10), 4, 4, null);
				DaemonSessionLockManager holder = new DaemonSessionLockManager(otherProcess, Duration.ZERO)) {
			assertThat(holder.tryLock(sessionId, Duration.ofSeconds(5))).isNotNull();
			int connectionsBefore = lockClient.getOpenConnections();
			CompletableFuture<HttpResponse<String>> waiting = this.http.sendAsync(request("/increment", session),
					HttpResponse.BodyHandlers.ofString());
			await("the request waits for the lock").atMost(Duration.ofSeconds(30))
				.until(() -> lockClient.getOpenConnections() > connectionsBefore);
			long frozen = System.nanoTime();
			signal("STOP", this.daemon.pid());
			HttpResponse<String> response = waiting.get(60, TimeUnit.SECONDS);
			Duration took = Duration.ofNanos(System.nanoTime() - frozen);
			System.out.println("Frozen daemon: a request waiting for a lock answered " + response.statusCode() + " "
					+ took.toMillis() + "ms after the daemon froze");
			signal("CONT", this.daemon.pid());
			assertThat(took).isLessThan(BOUND);
			assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
			assertThat(response.body()).contains("Session daemon at 127.0.0.1:" + this.daemon.address().port());
		}
	}

	private void assertOne503(SoftAssertions softly, String path, String session) throws Exception {
		long callsBefore = failedCalls();
		long start = System.nanoTime();
		HttpResponse<String> response = get(path, session);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		String what = path + ((session != null) ? " with a session" : " without a session");
		System.out.println("Frozen daemon: " + what + " answered " + response.statusCode() + " in " + took.toMillis()
				+ "ms after " + (failedCalls() - callsBefore) + " failed daemon calls");
		softly.assertThat(took).as(what).isLessThan(BOUND);
		softly.assertThat(response.statusCode()).as(what + ": " + response.body()).isEqualTo(503);
		softly.assertThat(response.headers().firstValue("Retry-After")).as(what).isPresent();
		softly.assertThat(response.body()).as(what)
			.contains("Sessions are unavailable")
			.contains("Session daemon at 127.0.0.1:" + this.daemon.address().port());
		softly.assertThat(failedCalls() - callsBefore).as(what + ": calls to the daemon").isEqualTo(1);
	}

	private long failedCalls() {
		return this.context.getBeansOfType(DaemonClient.class)
			.values()
			.stream()
			.mapToLong(DaemonClient::getErrorCount)
			.sum();
	}

	private String newSession() throws Exception {
		HttpResponse<String> response = get("/count", null);
		assertThat(response.statusCode()).isEqualTo(200);
		String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
		return setCookie.substring("SESSION=".length(), setCookie.indexOf(';'));
	}

	private HttpResponse<String> get(String path, String session) throws IOException, InterruptedException {
		return this.http.send(request(path, session), HttpResponse.BodyHandlers.ofString());
	}

	private HttpRequest request(String path, String session) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(60));
		if (session != null) {
			request.header("Cookie", "SESSION=" + session);
		}
		return request.build();
	}

	private static void signal(String signal, long pid) throws Exception {
		Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).start();
		assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(kill.exitValue()).isZero();
	}

}
