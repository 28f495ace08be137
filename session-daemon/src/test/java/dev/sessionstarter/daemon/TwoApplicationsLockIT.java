package dev.sessionstarter.daemon;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.sessionstarter.ChildJvm;
import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.lock.e2e.LockTestApplication;
import dev.sessionstarter.lock.e2e.Parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The lost-update test of request locking, across two JVMs: two processes of the lock tests'
 * application (read a counter from the session, sleep, write it back incremented) share one
 * daemon for sessions and locks ({@code sessions.store=daemon}, whose native lock manager is the
 * daemon's), and parallel requests of one session sent to both lose no increment.
 */
class TwoApplicationsLockIT {

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	private final List<Process> applications = new ArrayList<>();

	private final List<Path> logs = new ArrayList<>();

	private DaemonProcess daemon;

	@AfterEach
	void stop() throws Exception {
		for (Process application : this.applications) {
			application.destroyForcibly();
			application.waitFor(30, TimeUnit.SECONDS);
		}
		for (Path log : this.logs) {
			Files.deleteIfExists(log);
		}
		if (this.daemon != null) {
			this.daemon.close();
		}
	}

	@Test
	void parallelRequestsOfOneSessionOnTwoProcessesLoseNoUpdate() throws Exception {
		this.daemon = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()));
		String address = String.valueOf(this.daemon.address().port());
		int first = startApplication(address);
		int second = startApplication(address);
		awaitReady(first);
		awaitReady(second);
		String session = newSession(first);
		Parallel.run(8, (thread) -> {
			int port = (thread % 2 == 0) ? first : second;
			for (int i = 0; i < 100; i++) {
				HttpResponse<String> response = get(port, "/increment?sleep=1", session);
				assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			}
		});
		assertThat(get(second, "/count", session).body()).isEqualTo("800");
		assertThat(get(first, "/count", session).body()).isEqualTo("800");
		try (DaemonClient client = new DaemonClient(this.daemon.address(), Duration.ofSeconds(5), 1, 1, null)) {
			assertThat(client.stats().locks()).isZero();
			assertThat(client.stats().leaseExpiries()).isZero();
		}
	}

	private int startApplication(String daemonAddress) throws IOException {
		int port = DaemonProcess.freePort();
		Path log = Files.createTempFile("lock-app-", ".log");
		this.logs.add(log);
		List<String> command = ChildJvm.command(List.of("-Xmx256m"), LockTestApplication.class,
				"--server.port=" + port, "--server.address=127.0.0.1", "--sessions.store=daemon",
				"--sessions.daemon.address=" + daemonAddress, "--spring.main.banner-mode=off");
		this.applications.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start());
		return port;
	}

	private void awaitReady(int port) {
		await("application on port " + port + " started").atMost(Duration.ofSeconds(120))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> {
				for (int i = 0; i < this.applications.size(); i++) {
					assertThat(this.applications.get(i).isAlive()).as(Files.readString(this.logs.get(i))).isTrue();
				}
				try {
					return get(port, "/count", null).statusCode() == 200;
				}
				catch (IOException ex) {
					return false;
				}
			});
	}

	private String newSession(int port) throws Exception {
		HttpResponse<String> response = get(port, "/count", null);
		String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
		return setCookie.substring("SESSION=".length(), setCookie.indexOf(';'));
	}

	private HttpResponse<String> get(int port, String path, String session) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30));
		if (session != null) {
			request.header("Cookie", "SESSION=" + session);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
