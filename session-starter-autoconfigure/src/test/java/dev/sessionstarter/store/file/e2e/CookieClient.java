package dev.sessionstarter.store.file.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real HTTP client of a test application on 127.0.0.1 that carries the session cookie by hand,
 * so that a test can send a cookie of its choice, or none.
 */
final class CookieClient {

	private final HttpClient client = HttpClient.newHttpClient();

	/**
	 * Send a GET request that must be answered 200.
	 * @param context the application
	 * @param path the path and query
	 * @param cookie the {@code Cookie} header, or {@code null} to send none
	 * @return the body and the session cookie to send next: the one the response set, else
	 * {@code cookie}
	 */
	Response get(ConfigurableApplicationContext context, String path, String cookie)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(context, path));
		if (cookie != null) {
			request.header("Cookie", cookie);
		}
		HttpResponse<String> response = this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
		String setCookie = response.headers()
			.allValues("Set-Cookie")
			.stream()
			.filter((value) -> value.startsWith("SESSION="))
			.map((value) -> value.substring(0, value.indexOf(';')))
			.findFirst()
			.orElse(cookie);
		return new Response(response.body(), setCookie);
	}

	/**
	 * Send a GET request without a cookie, whatever its answer.
	 * @param context the application
	 * @param path the path and query
	 * @return the response
	 */
	HttpResponse<String> send(ConfigurableApplicationContext context, String path)
			throws IOException, InterruptedException {
		return this.client.send(HttpRequest.newBuilder(uri(context, path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static URI uri(ConfigurableApplicationContext context, String path) {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		return URI.create("http://127.0.0.1:" + port + path);
	}

	/**
	 * What a test reads of a response.
	 * @param body the body
	 * @param cookie the session cookie ({@code SESSION=...}) to send next
	 */
	record Response(String body, String cookie) {

	}

}
