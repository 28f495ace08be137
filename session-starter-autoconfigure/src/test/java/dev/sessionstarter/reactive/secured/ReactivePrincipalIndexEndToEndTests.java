package dev.sessionstarter.reactive.secured;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.ReactiveFindByIndexNameSessionRepository;

import dev.sessionstarter.reactive.ReactiveStoreSessionRepository;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real form login through Spring Security WebFlux over HTTP on Netty, which keeps the security
 * context in the {@code WebSession}: the principal index finds the session by the user's name
 * (under both index names), so do Boot's {@code /actuator/sessions?username=} and the store's
 * counts in {@code /actuator/sessionstore}, and deleting the session there logs the user out.
 */
class ReactivePrincipalIndexEndToEndTests {

	@TempDir
	Path dir;

	private ConfigurableApplicationContext application;

	@AfterEach
	void stop() {
		if (this.application != null) {
			this.application.close();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "file" })
	void findsTheSessionOfALoggedInUser(String store) throws Exception {
		this.application = new SpringApplicationBuilder(SecuredReactiveApplication.class)
			.web(WebApplicationType.REACTIVE)
			.properties("server.port=0", "server.address=127.0.0.1", "sessions.store=" + store,
					"sessions.file.dir=" + this.dir, "management.endpoints.web.exposure.include=sessions,sessionstore",
					"spring.main.banner-mode=off")
			.run();
		HttpClient alice = client();
		HttpResponse<String> login = send(alice, HttpRequest.newBuilder(uri("/login"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(BodyPublishers.ofString("username=alice&password=secret")));
		assertThat(login.statusCode()).isEqualTo(302);
		assertThat(login.headers().firstValue("Location")).hasValueSatisfying(
				(location) -> assertThat(location).doesNotContain("error"));
		HttpResponse<String> me = send(alice, HttpRequest.newBuilder(uri("/me")));
		assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
		assertThat(JsonPath.<String>read(me.body(), "$.name")).isEqualTo("alice");
		String id = JsonPath.read(me.body(), "$.session");

		ReactiveStoreSessionRepository repository = this.application.getBean(ReactiveStoreSessionRepository.class);
		assertThat(repository.findByPrincipalName("alice").block()).containsOnlyKeys(id);
		assertThat(repository.findByIndexNameAndIndexValue(
				ReactiveFindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "alice").block())
			.containsOnlyKeys(id);
		assertThat(repository
			.findByIndexNameAndIndexValue(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "alice")
			.block()).containsOnlyKeys(id);
		assertThat(repository.findByPrincipalName("bob").block()).isEmpty();

		HttpResponse<String> sessions = send(client(),
				HttpRequest.newBuilder(uri("/actuator/sessions?username=alice")));
		assertThat(sessions.statusCode()).as(sessions.body()).isEqualTo(200);
		assertThat(JsonPath.<String>read(sessions.body(), "$.sessions[0].id")).isEqualTo(id);
		String sessionStore = send(client(), HttpRequest.newBuilder(uri("/actuator/sessionstore"))).body();
		assertThat(JsonPath.<String>read(sessionStore, "$.store")).isEqualTo(store);
		assertThat(JsonPath.<Number>read(sessionStore, "$.sessions").longValue()).isPositive();

		HttpResponse<String> deleted = send(client(),
				HttpRequest.newBuilder(uri("/actuator/sessionstore/" + id)).DELETE());
		assertThat(deleted.statusCode()).isEqualTo(204);
		assertThat(repository.findByPrincipalName("alice").block()).isEmpty();
		assertThat(send(alice, HttpRequest.newBuilder(uri("/me"))).statusCode()).isEqualTo(302);
	}

	private static HttpClient client() {
		return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(new CookieManager()).build();
	}

	private URI uri(String path) {
		int port = ((WebServerApplicationContext) this.application).getWebServer().getPort();
		return URI.create("http://127.0.0.1:" + port + path);
	}

	private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws Exception {
		return client.send(request.timeout(Duration.ofSeconds(30)).build(), BodyHandlers.ofString());
	}

}
