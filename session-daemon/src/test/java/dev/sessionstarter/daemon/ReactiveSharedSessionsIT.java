package dev.sessionstarter.daemon;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.sessionstarter.lock.e2e.Parallel;
import dev.sessionstarter.reactive.e2e.ReactiveTestApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two running WebFlux applications (Netty) with {@code sessions.store=daemon} share their
 * sessions and request locks through one daemon process: a counter goes on across them, and
 * 8 x 100 parallel increments of one session, half sent to each application, lose none.
 */
class ReactiveSharedSessionsIT {

	private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

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
	void twoWebFluxApplicationsShareSessionsAndLocksThroughADaemon() throws Exception {
		this.daemon = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()));
		String address = String.valueOf(this.daemon.address().port());
		this.first = application(address);
		this.second = application(address);
		int[] ports = { port(this.first), port(this.second) };
		HttpResponse<String> created = get(ports[0], "/increment", null);
		assertThat(created.body()).isEqualTo("1");
		String cookie = created.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
		assertThat(get(ports[1], "/increment", cookie).body()).isEqualTo("2");
		Parallel.run(8, (thread) -> {
			for (int i = 0; i < 100; i++) {
				HttpResponse<String> response = get(ports[thread % 2], "/increment?sleep=1", cookie);
				assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			}
		});
		assertThat(get(ports[0], "/count", cookie).body()).isEqualTo("802");
		assertThat(get(ports[1], "/count", cookie).body()).isEqualTo("802");
	}

	private static ConfigurableApplicationContext application(String address) {
		return new SpringApplicationBuilder(ReactiveTestApplication.class).web(WebApplicationType.REACTIVE)
			.properties("server.port=0", "server.address=127.0.0.1", "sessions.store=daemon",
					"sessions.daemon.address=" + address, "spring.main.banner-mode=off")
			.run();
	}

	private static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	private HttpResponse<String> get(int port, String path, String cookie) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30));
		if (cookie != null) {
			request.header("Cookie", cookie);
		}
		return this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
