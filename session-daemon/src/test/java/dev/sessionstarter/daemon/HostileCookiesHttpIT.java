package dev.sessionstarter.daemon;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.lock.e2e.LockTestApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lock tests' application on the {@code daemon} store and its daemon locks, over real HTTP,
 * while a hostile client sends requests that each carry 200 valid session cookies from 10
 * threads at once: a normal client's requests are all served, and the daemon's connections stay
 * few, since a request locks at most its first three session ids and held locks share a few
 * connections.
 */
class HostileCookiesHttpIT {

	private static final int HOSTILE_THREADS = 10;

	private static final int COOKIES = 200;

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	private DaemonProcess daemon;

	private DaemonClient observer;

	private ConfigurableApplicationContext context;

	private int port;

	@BeforeEach
	void start() throws Exception {
		this.daemon = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()));
		this.observer = new DaemonClient(this.daemon.address(), Duration.ofSeconds(10), 1, 1, null);
		List<String> properties = List.of("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
				"sessions.store=daemon", "sessions.daemon.address=" + this.daemon.address().port(),
				"sessions.lock.timeout=30s");
		this.context = new SpringApplicationBuilder(LockTestApplication.class)
			.properties(properties.toArray(String[]::new))
			.run();
		this.port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	@AfterEach
	void stop() {
		try {
			if (this.context != null) {
				this.context.close();
			}
			if (this.observer != null) {
				this.observer.close();
			}
		}
		finally {
			if (this.daemon != null) {
				this.daemon.close();
			}
		}
	}

	@Test
	void aNormalClientIsServedWhileAHostileOneSendsHundredsOfSessionCookies() throws Exception {
		String session = newSession();
		AtomicBoolean stop = new AtomicBoolean();
		AtomicInteger hostileRequests = new AtomicInteger();
		AtomicLong mostConnections = new AtomicLong();
		String cookies = hostileCookies();
		ExecutorService executor = Executors.newFixedThreadPool(HOSTILE_THREADS);
		List<Future<?>> hostile = new ArrayList<>();
		try {
			for (int i = 0; i < HOSTILE_THREADS; i++) {
				hostile.add(executor.submit(() -> {
					while (!stop.get()) {
						send("/count", cookies);
						hostileRequests.incrementAndGet();
					}
					return null;
				}));
			}
			for (int i = 0; i < 20; i++) {
				HttpResponse<String> response = send("/increment?sleep=20", "SESSION=" + session);
				assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
				mostConnections.accumulateAndGet(this.observer.stats().connections(), Math::max);
			}
		}
		finally {
			stop.set(true);
			executor.shutdown();
		}
		for (Future<?> future : hostile) {
			future.get();
		}
		System.out.println("Hostile client: " + hostileRequests + " requests of " + COOKIES
				+ " session cookies; the daemon had at most " + mostConnections + " connections");
		assertThat(hostileRequests).hasPositiveValue();
		assertThat(send("/count", "SESSION=" + session).body()).isEqualTo("20");
		assertThat(mostConnections).hasValueLessThan(64);
	}

	private static String hostileCookies() {
		List<String> cookies = new ArrayList<>();
		for (int i = 0; i < COOKIES; i++) {
			String id = "hostile-" + i;
			cookies.add("SESSION=" + Base64.getEncoder().encodeToString(id.getBytes(StandardCharsets.US_ASCII)));
		}
		return String.join("; ", cookies);
	}

	private String newSession() throws Exception {
		HttpResponse<String> response = send("/count", null);
		assertThat(response.statusCode()).isEqualTo(200);
		String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
		return setCookie.substring("SESSION=".length(), setCookie.indexOf(';'));
	}

	private HttpResponse<String> send(String path, String cookie) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(60));
		if (cookie != null) {
			request.header("Cookie", cookie);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
