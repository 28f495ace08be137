package dev.sessionstarter.it;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.sessionstarter.store.StoreSessionRepository;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real login through Spring Security over HTTP: the memory store indexes the session by its
 * principal, so Boot's {@code /actuator/sessions?username=} finds it; servlet session listeners
 * hear the store's events; the session timeout comes from {@code server.servlet.session.timeout}.
 */
@SpringBootTest(classes = SecuredApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=sessions,sessionstore",
				"server.servlet.session.timeout=17m" })
class SecuredApplicationIntegrationTests {

	private final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	private int port;

	@Autowired
	private SecuredApplication.RecordingSessionListener listener;

	@Autowired
	private StoreSessionRepository repository;

	@Test
	void findsTheSessionsOfALoggedInUserThroughBootsSessionsEndpoint() throws Exception {
		HttpClient alice = client();
		HttpResponse<String> login = send(alice, HttpRequest.newBuilder(uri("/login"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(BodyPublishers.ofString("username=alice&password=secret")));
		assertThat(login.statusCode()).isEqualTo(302);
		assertThat(login.headers().firstValue("Location")).hasValueSatisfying((location) -> assertThat(location)
			.doesNotContain("error"));
		Map<String, Object> me = getJson(alice, "/me");
		assertThat(me).containsEntry("name", "alice").containsEntry("timeout", 17 * 60);
		String sessionId = (String) me.get("session");

		Map<String, Object> sessions = getJson(client(), "/actuator/sessions?username=alice");
		assertThat(sessions.get("sessions").toString()).contains(sessionId);
		assertThat(getJson(client(), "/actuator/sessions?username=bob").get("sessions").toString()).isEqualTo("[]");
		assertThat(this.listener.created).isNotEmpty();

		HttpResponse<String> deleted = send(client(),
				HttpRequest.newBuilder(uri("/actuator/sessionstore/" + sessionId)).DELETE());
		assertThat(deleted.statusCode()).isEqualTo(204);
		assertThat(this.listener.destroyed).contains(sessionId);
		HttpResponse<String> afterDelete = send(alice, HttpRequest.newBuilder(uri("/me")).GET());
		assertThat(afterDelete.statusCode()).isEqualTo(302);
	}

	@Test
	void keepsAnAnonymousSessionAcrossRequestsAndReportsIt() throws Exception {
		HttpClient visitor = client();
		assertThat(getJson(visitor, "/visit")).containsEntry("visits", 1);
		assertThat(getJson(visitor, "/visit")).containsEntry("visits", 2);
		Map<String, Object> third = getJson(visitor, "/visit");
		assertThat(third).containsEntry("visits", 3);
		assertThat(this.repository.findById((String) third.get("session"))).isNotNull();
		Map<String, Object> store = getJson(client(), "/actuator/sessionstore");
		assertThat(store).containsEntry("store", "memory");
		assertThat(((Number) store.get("sessions")).longValue()).isPositive();
		assertThat(store.toString()).doesNotContain("visits");
	}

	private HttpClient client() {
		return HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws Exception {
		return client.send(request.build(), BodyHandlers.ofString());
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> getJson(HttpClient client, String path) throws Exception {
		HttpResponse<String> response = send(client, HttpRequest.newBuilder(uri(path)).GET());
		assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
		return this.json.readValue(response.body(), Map.class);
	}

}
