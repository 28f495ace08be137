package dev.sessionstarter.store.file.e2e;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end tests of the {@code file} store: real HTTP requests to applications on embedded
 * Tomcat that share one session directory, across a restart and side by side.
 */
class FileStoreEndToEndTests {

	@TempDir
	Path dir;

	private final CookieClient client = new CookieClient();

	private final List<ConfigurableApplicationContext> applications = new ArrayList<>();

	@AfterEach
	void stopApplications() {
		this.applications.forEach(ConfigurableApplicationContext::close);
	}

	@ParameterizedTest
	@ValueSource(strings = { "binary", "json" })
	void sessionAndPrincipalIndexSurviveARestart(String format) throws Exception {
		ConfigurableApplicationContext first = start(format);
		CookieClient.Response added = this.client.get(first, "/cart/add?item=book", null);
		String cookie = added.cookie();
		assertThat(cookie).isNotNull();
		this.client.get(first, "/sign-in?user=alice", cookie);
		first.close();

		ConfigurableApplicationContext second = start(format);
		assertThat(this.client.get(second, "/cart", cookie).body()).isEqualTo("[\"book\"]");
		String sessionId = new String(Base64.getDecoder().decode(cookie.substring(cookie.indexOf('=') + 1)),
				StandardCharsets.UTF_8);
		assertThat(this.client.get(second, "/actuator/sessions?username=alice", null).body()).contains(sessionId);
	}

	@ParameterizedTest
	@ValueSource(strings = { "binary", "json" })
	void twoRunningInstancesShareSessions(String format) throws Exception {
		ConfigurableApplicationContext first = start(format);
		ConfigurableApplicationContext second = start(format);
		String cookie = this.client.get(first, "/cart/add?item=book", null).cookie();

		assertThat(this.client.get(second, "/cart/add?item=pen", cookie).body()).isEqualTo("[\"book\",\"pen\"]");
		assertThat(this.client.get(first, "/cart", cookie).body()).isEqualTo("[\"book\",\"pen\"]");
	}

	@Test
	void healthIsDownWhileTheDirectoryIsMissingAndTheStoreCreatesItAgain() throws Exception {
		ConfigurableApplicationContext application = start("binary");
		String cookie = this.client.get(application, "/cart/add?item=book", null).cookie();
		HttpResponse<String> up = this.client.send(application, "/actuator/health");
		assertThat(up.statusCode()).as(up.body()).isEqualTo(200);

		FileSystemUtils.deleteRecursively(this.dir);

		HttpResponse<String> down = this.client.send(application, "/actuator/health");
		assertThat(down.statusCode()).isEqualTo(503);
		assertThat(down.body()).contains("\"sessionFileStore\"").contains("DOWN").contains("does not exist");
		CookieClient.Response added = this.client.get(application, "/cart/add?item=pen", cookie);
		assertThat(added.body()).as("a new session: the old one went with the directory").isEqualTo("[\"pen\"]");
		HttpResponse<String> upAgain = this.client.send(application, "/actuator/health");
		assertThat(upAgain.statusCode()).as(upAgain.body()).isEqualTo(200);
		assertThat(this.client.get(application, "/cart", added.cookie()).body()).isEqualTo("[\"pen\"]");
	}

	@Test
	void requestWithTwoIdsOfEqualHashCodeDoesNotWaitForItself() throws Exception {
		ConfigurableApplicationContext application = start("binary", "sessions.lock.timeout=60s");
		this.client.get(application, "/cart", null);
		long start = System.nanoTime();
		// QWE= and QkI= are Aa and BB, ids of equal String.hashCode
		this.client.get(application, "/cart", "SESSION=QWE=; SESSION=QkI=");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
	}

	private ConfigurableApplicationContext start(String format, String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(FileStoreTestApplication.class)
			.properties(properties)
			.properties("server.port=0", "sessions.store=file", "sessions.file.dir=" + this.dir,
					"sessions.file.format=" + format,
					"management.endpoints.web.exposure.include=sessions,sessionstore,health",
					"management.endpoint.health.show-details=always", "management.health.redis.enabled=false",
					"spring.main.banner-mode=off")
			.run();
		this.applications.add(context);
		return context;
	}

}
