package dev.sessionstarter.daemon;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.sessionstarter.daemon.client.DaemonSessionStore;
import dev.sessionstarter.it.SecuredApplication;
import dev.sessionstarter.store.StoreSessionRepository;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two running applications (embedded Tomcat, Spring Security form login) with
 * {@code sessions.store=daemon} share their sessions through one daemon process: a user who
 * logs in on one is logged in on the other, counters continue across them, Boot's
 * {@code /actuator/sessions?username=} on either finds the session, and the health endpoint
 * reports the daemon.
 */
class SharedSessionsIT {

	private final JsonMapper json = JsonMapper.builder().build();

	private DaemonProcess daemon;

	private ConfigurableApplicationContext first;

	private ConfigurableApplicationContext second;

	@AfterEach
	void stop() {
		if (this.first != null) {
			this.first.close();
		}
		if (this.second != null) {
			this.second.close();
		}
		if (this.daemon != null) {
			this.daemon.close();
		}
	}

	@Test
	void twoApplicationsShareSessionsThroughADaemonOnAPort() throws Exception {
		this.daemon = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()));
		assertShared(String.valueOf(this.daemon.address().port()));
	}

	@Test
	void twoApplicationsShareSessionsThroughADaemonOnASocket() throws Exception {
		Path socket = DaemonProcess.socketPath("shared.sock");
		this.daemon = DaemonProcess.start(socket.toString());
		assertShared(socket.toString());
	}

	@Test
	void twoApplicationsAlternatingOnASessionWithRetainedRequestLocksAsByDefaultKeepEveryVisit() throws Exception {
		this.daemon = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()));
		assertShared(String.valueOf(this.daemon.address().port()));
		assertAlternatingVisitsCounted();
	}

	@Test
	void twoApplicationsShareSessionsWithoutRetainedRequestLocks() throws Exception {
		this.daemon = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()));
		assertShared(String.valueOf(this.daemon.address().port()), "sessions.daemon.lock-retain=0");
		assertAlternatingVisitsCounted();
	}

	@Test
	void twoMemoizedApplicationsOverADaemonAlternatingOnASessionKeepEveryVisit() throws Exception {
		this.daemon = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()));
		String address = String.valueOf(this.daemon.address().port());
		this.first = application(address, "sessions.store=memoized", "sessions.memoized.delegate=daemon");
		this.second = application(address, "sessions.store=memoized", "sessions.memoized.delegate=daemon");
		assertAlternatingVisitsCounted();
	}

	private void assertAlternatingVisitsCounted() throws Exception {
		HttpClient visitor = client();
		int firstPort = port(this.first);
		int secondPort = port(this.second);
		for (int i = 1; i <= 20; i++) {
			assertThat(getJson(visitor, (i % 2 == 0) ? secondPort : firstPort, "/visit")).containsEntry("visits", i);
		}
	}

	private void assertShared(String address, String... properties) throws Exception {
		this.first = application(address, properties);
		this.second = application(address, properties);
		assertThat(this.first.getBean(StoreSessionRepository.class).getStore()).isInstanceOf(DaemonSessionStore.class);
		int firstPort = port(this.first);
		int secondPort = port(this.second);
		HttpClient alice = client();
		HttpResponse<String> login = send(alice, HttpRequest.newBuilder(uri(firstPort, "/login"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(BodyPublishers.ofString("username=alice&password=secret")));
		assertThat(login.statusCode()).isEqualTo(302);
		Map<String, Object> onFirst = getJson(alice, firstPort, "/me");
		Map<String, Object> onSecond = getJson(alice, secondPort, "/me");
		assertThat(onSecond).containsEntry("name", "alice").containsEntry("session", onFirst.get("session"));

		HttpClient visitor = client();
		assertThat(getJson(visitor, firstPort, "/visit")).containsEntry("visits", 1);
		assertThat(getJson(visitor, secondPort, "/visit")).containsEntry("visits", 2);
		assertThat(getJson(visitor, firstPort, "/visit")).containsEntry("visits", 3);

		Map<String, Object> sessions = getJson(client(), secondPort, "/actuator/sessions?username=alice");
		assertThat(sessions.get("sessions").toString()).contains((String) onFirst.get("session"));

		Map<String, Object> health = getJson(client(), firstPort, "/actuator/health");
		assertThat(health.toString()).contains("sessionDaemon").contains("status=UP").contains("mode=sessions");
	}

	private static ConfigurableApplicationContext application(String address, String... properties) {
		return new SpringApplicationBuilder(SecuredApplication.class).properties("sessions.store=daemon")
			.properties(properties)
			.properties("server.port=0", "server.address=127.0.0.1", "sessions.daemon.address=" + address,
					"management.endpoints.web.exposure.include=sessions,sessionstore,health",
					"management.endpoint.health.show-details=always", "spring.main.banner-mode=off")
			.run();
	}

	private static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	private static HttpClient client() {
		return HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
	}

	private static URI uri(int port, String path) {
		return URI.create("http://127.0.0.1:" + port + path);
	}

	private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws Exception {
		return client.send(request.timeout(java.time.Duration.ofSeconds(30)).build(), BodyHandlers.ofString());
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> getJson(HttpClient client, int port, String path) throws Exception {
		HttpResponse<String> response = send(client, HttpRequest.newBuilder(uri(port, path)).GET());
		assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
		return this.json.readValue(response.body(), Map.class);
	}

}
