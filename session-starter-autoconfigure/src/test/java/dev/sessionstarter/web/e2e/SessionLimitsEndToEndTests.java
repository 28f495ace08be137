package dev.sessionstarter.web.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session size cap over real HTTP on embedded Tomcat: a request whose session would go over
 * {@code sessions.max-session-size} is answered 413 with a message naming the property, is
 * counted, and the session keeps its previous version for the next request. With
 * {@code sessions.encryption.key} (read from a file through Boot's config tree) the session
 * files hold no plain value.
 */
class SessionLimitsEndToEndTests {

	@TempDir
	Path dir;

	@TempDir
	Path secrets;

	private final HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();

	private final List<ConfigurableApplicationContext> applications = new ArrayList<>();

	@AfterEach
	void stopApplications() {
		this.applications.forEach(ConfigurableApplicationContext::close);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "file" })
	void anOversizedSaveIsAnswered413AndTheSessionKeepsItsPreviousVersion(String store) throws Exception {
		ConfigurableApplicationContext application = start(store);
		assertThat(get(application, "/set?mark=first&padding=10").body()).isEqualTo("set first");

		HttpResponse<String> refused = get(application, "/set?mark=second&padding=200000");
		assertThat(refused.statusCode()).isEqualTo(413);
		assertThat(refused.body()).contains("sessions.max-session-size").doesNotContain("set second");

		HttpResponse<String> next = get(application, "/mark");
		assertThat(next.statusCode()).isEqualTo(200);
		assertThat(next.body()).isEqualTo("first");
		assertThat(oversized(application)).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "file" })
	void aNewSessionOverTheCapIsAnswered413(String store) throws Exception {
		ConfigurableApplicationContext application = start(store);
		HttpResponse<String> refused = get(application, "/set?mark=first&padding=200000");
		assertThat(refused.statusCode()).isEqualTo(413);
		assertThat(refused.body()).contains("sessions.max-session-size");
		assertThat(get(application, "/mark").body()).isEqualTo("none");
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "file" })
	void anOversizedSaveAfterTheResponseWasSentLeavesTheResponseAndKeepsThePreviousVersion(String store)
			throws Exception {
		ConfigurableApplicationContext application = start(store);
		assertThat(get(application, "/set?mark=first&padding=10").statusCode()).isEqualTo(200);

		HttpResponse<String> late = get(application, "/set-after-response?mark=second&padding=200000");
		assertThat(late.statusCode()).isEqualTo(200);
		assertThat(late.body()).isEqualTo("sent second");

		assertThat(get(application, "/mark").body()).isEqualTo("first");
		assertThat(oversized(application)).isEqualTo(1);
	}

	@Test
	void anEncryptedFileStoreKeepsNoPlainValueNorShowsItsKeyAndKeepsSessionsAcrossAnIdChange() throws Exception {
		Path secrets = Files.createDirectories(this.secrets.resolve("secrets"));
		String key = Base64.getEncoder().encodeToString(new byte[32]);
		Files.writeString(secrets.resolve("sessions.encryption.key"), key + "\n");
		ConfigurableApplicationContext application = start("file", "spring.config.import=configtree:" + secrets + "/",
				"management.endpoints.web.exposure.include=env,configprops",
				"management.endpoint.env.show-values=always", "management.endpoint.configprops.show-values=always");
		assertThat(get(application, "/set?mark=plain-marker-4711&padding=10").statusCode()).isEqualTo(200);
		assertThat(get(application, "/change-id").statusCode()).isEqualTo(200);
		assertThat(get(application, "/mark").body()).isEqualTo("plain-marker-4711");
		HttpResponse<String> env = get(application, "/actuator/env/sessions.encryption.key");
		assertThat(env.statusCode()).isEqualTo(200);
		assertThat(env.body()).contains("******").doesNotContain(key);
		assertThat(get(application, "/actuator/env").body()).doesNotContain(key);
		assertThat(get(application, "/actuator/configprops").body()).contains("sessions.encryption")
			.doesNotContain(key);
		try (Stream<Path> files = Files.walk(this.dir)) {
			assertThat(files.filter(Files::isRegularFile)
				.map(SessionLimitsEndToEndTests::read)
				.filter((content) -> content.contains("plain-marker-4711"))).isEmpty();
		}
	}

	private static String read(Path file) {
		try {
			return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private ConfigurableApplicationContext start(String store, String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(LimitsTestApplication.class)
			.properties("server.port=0", "sessions.store=" + store, "sessions.file.dir=" + this.dir,
					"sessions.max-session-size=64KB", "spring.main.banner-mode=off")
			.properties(properties)
			.run();
		this.applications.add(context);
		return context;
	}

	private HttpResponse<String> get(ConfigurableApplicationContext context, String path)
			throws IOException, InterruptedException {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build();
		return this.client.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private static double oversized(ConfigurableApplicationContext context) {
		return context.getBean(MeterRegistry.class).get("sessions.store.oversized").functionCounter().count();
	}

}
