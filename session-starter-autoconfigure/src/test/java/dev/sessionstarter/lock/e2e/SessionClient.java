package dev.sessionstarter.lock.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real HTTP client on 127.0.0.1 that sends a session cookie, for the counter applications of
 * the tests ({@link LockTestApplication} and its reactive twin): {@code /count} answers the
 * session's counter, {@code /increment} raises it.
 */
public final class SessionClient {

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	private final String baseUrl;

	/**
	 * Create a client of the application listening on a loopback port.
	 * @param port the port
	 */
	public SessionClient(int port) {
		this.baseUrl = "http://127.0.0.1:" + port;
	}

	/**
	 * Start a session with {@code /count}, so its counter is 0.
	 * @return the value of its session cookie
	 */
	public String newSession() throws IOException, InterruptedException {
		return newSession("/count");
	}

	/**
	 * Start a session with a request.
	 * @param path the path of the request, such as {@code /increment}
	 * @return the value of its session cookie
	 */
	public String newSession(String path) throws IOException, InterruptedException {
		HttpResponse<String> response = get(path, null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
		assertThat(setCookie).startsWith("SESSION=");
		return setCookie.substring("SESSION=".length(), setCookie.indexOf(';'));
	}

	/**
	 * Send a GET request.
	 * @param path its path and query
	 * @param session the session cookie's value, or {@code null} to send none
	 * @return the response
	 */
	public HttpResponse<String> get(String path, String session) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.timeout(Duration.ofSeconds(30));
		if (session != null) {
			request.header("Cookie", "SESSION=" + session);
		}
		return this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * Return the counter of a session.
	 * @param session the session cookie's value
	 * @return its counter
	 */
	public int count(String session) throws IOException, InterruptedException {
		HttpResponse<String> response = get("/count", session);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return Integer.parseInt(response.body());
	}

	/**
	 * Send {@code requests} GET requests to {@code path} from each of {@code threads} threads at
	 * once, all with the session, and check every one answers 200.
	 */
	public void hammer(String path, String session, int threads, int requests) throws Exception {
		hammer(List.of(this), path, session, threads, requests);
	}

	/**
	 * Send {@code requests} GET requests to {@code path} from each of {@code threads} threads at
	 * once, all with the session, every thread going from one client to the next in turn (each
	 * thread starting at another), and check every one answers 200.
	 * @param clients the clients, one per process
	 * @param path the path and query
	 * @param session the session cookie's value
	 * @param threads the number of threads
	 * @param requests the number of requests of each thread
	 * @throws Exception on failure
	 */
	public static void hammer(List<SessionClient> clients, String path, String session, int threads, int requests)
			throws Exception {
		Parallel.run(threads, (thread) -> {
			for (int i = 0; i < requests; i++) {
				HttpResponse<String> response = clients.get((thread + i) % clients.size()).get(path, session);
				assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			}
		});
	}

}
