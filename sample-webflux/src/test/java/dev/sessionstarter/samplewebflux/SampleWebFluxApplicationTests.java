package dev.sessionstarter.samplewebflux;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample on Netty with its file profile, over real HTTP: the visit counter goes on across a
 * restart of the application.
 */
class SampleWebFluxApplicationTests {

	private final HttpClient client = HttpClient.newHttpClient();

	@TempDir
	Path dir;

	@Test
	void visitsAreCountedAndSurviveARestartWithTheFileProfile() throws Exception {
		String cookie;
		try (ConfigurableApplicationContext context = start()) {
			HttpResponse<String> first = visit(context, null);
			assertThat(first.body()).isEqualTo("{\"visits\":1}");
			cookie = first.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
			assertThat(visit(context, cookie).body()).isEqualTo("{\"visits\":2}");
		}
		try (ConfigurableApplicationContext context = start()) {
			assertThat(visit(context, cookie).body()).isEqualTo("{\"visits\":3}");
			HttpResponse<String> store = get(context, "/actuator/sessionstore", null);
			assertThat(store.body()).contains("\"store\":\"file\"");
		}
	}

	private ConfigurableApplicationContext start() {
		return SpringApplication.run(SampleWebFluxApplication.class, "--spring.profiles.active=file",
				"--server.port=0", "--server.address=127.0.0.1", "--sessions.file.dir=" + this.dir);
	}

	private HttpResponse<String> visit(ConfigurableApplicationContext context, String cookie) throws Exception {
		HttpResponse<String> response = get(context, "/visits", cookie);
		assertThat(response.statusCode()).isEqualTo(200);
		return response;
	}

	private HttpResponse<String> get(ConfigurableApplicationContext context, String path, String cookie)
			throws Exception {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
		if (cookie != null) {
			request.header("Cookie", cookie);
		}
		return this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
