package dev.sessionstarter.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drives the running sample over real HTTP, as browsers would: one shared
 * {@link HttpClient}, and each simulated user's session cookie passed explicitly, so thousands
 * of users need no client each.
 */
final class SampleClient {

	private static final String COOKIE_NAME = "SESSION";

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(TIMEOUT)
		.build();

	private final URI base;

	SampleClient(int port) {
		this.base = URI.create("http://127.0.0.1:" + port);
	}

	Response get(String path, @Nullable String cookie) {
		return send("GET", path, cookie);
	}

	Response post(String path, @Nullable String cookie) {
		return send("POST", path, cookie);
	}

	Response delete(String path) {
		return send("DELETE", path, null);
	}

	/**
	 * Read a JSON document with a GET that sends no cookie, failing unless it answers 200.
	 */
	JsonNode json(String path) {
		Response response = get(path, null);
		if (response.status() != 200) {
			throw new IllegalStateException("GET " + path + " answered " + response.status() + ": " + response.body());
		}
		return response.json();
	}

	Response send(String method, String path, @Nullable String cookie) {
		HttpRequest.Builder request = HttpRequest.newBuilder(this.base.resolve(path))
			.timeout(TIMEOUT)
			.method(method, HttpRequest.BodyPublishers.noBody());
		if (cookie != null) {
			request.header("Cookie", cookie);
		}
		try {
			HttpResponse<String> response = this.client.send(request.build(),
					HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
			String setCookie = response.headers()
				.allValues("Set-Cookie")
				.stream()
				.filter((value) -> value.startsWith(COOKIE_NAME + "="))
				.map((value) -> value.split(";", 2)[0])
				.findFirst()
				.orElse(null);
			return new Response(response.statusCode(), response.body(), setCookie);
		}
		catch (IOException ex) {
			throw new IllegalStateException(method + " " + path + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(method + " " + path + " was interrupted", ex);
		}
	}

	/**
	 * Return the session id a {@code SESSION=...} cookie carries (Spring Session encodes it in
	 * Base64).
	 */
	static String sessionId(String cookie) {
		String value = cookie.substring(cookie.indexOf('=') + 1);
		return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
	}

	/**
	 * One response.
	 *
	 * @param status the status code
	 * @param body the body
	 * @param setCookie the {@code SESSION=...} pair the response set, or {@code null}
	 */
	record Response(int status, String body, @Nullable String setCookie) {

		JsonNode json() {
			return JsonMapper.shared().readTree(this.body);
		}

	}

}
