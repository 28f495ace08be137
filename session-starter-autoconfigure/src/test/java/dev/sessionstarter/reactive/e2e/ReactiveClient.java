package dev.sessionstarter.reactive.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.sessionstarter.lock.e2e.Parallel;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real HTTP client of {@link ReactiveTestApplication} on 127.0.0.1 that sends a session cookie.
 */
final class ReactiveClient {

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	private final String baseUrl;

	ReactiveClient(int port) {
		this.baseUrl = "http://127.0.0.1:" + port;
	}

	/**
	 * Start a session with a first increment, so its counter is 1.
	 * @return the value of its session cookie
	 */
	String newSession() throws IOException, InterruptedException {
		HttpResponse<String> response = get("/increment", null);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("1");
		String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
		assertThat(setCookie).startsWith("SESSION=");
		return setCookie.substring("SESSION=".length(), setCookie.indexOf(';'));
	}

	HttpResponse<String> get(String path, String session) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.timeout(Duration.ofSeconds(30));
		if (session != null) {
			request.header("Cookie", "SESSION=" + session);
		}
		return this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	int count(String session) throws IOException, InterruptedException {
		HttpResponse<String> response = get("/count", session);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return Integer.parseInt(response.body());
	}

	/**
	 * Send {@code requests} GET requests to {@code path} from each of {@code threads} threads at
	 * once, all with the session, and check every one answers 200.
	 */
	void hammer(String path, String session, int threads, int requests) throws Exception {
		Parallel.run(threads, (thread) -> {
			for (int i = 0; i < requests; i++) {
				HttpResponse<String> response = get(path, session);
				assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			}
		});
	}

}
