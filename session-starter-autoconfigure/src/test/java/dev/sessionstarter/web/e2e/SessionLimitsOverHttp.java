package dev.sessionstarter.web.e2e;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session size cap over real HTTP, the same on every web stack: a request whose session would
 * go over {@code sessions.max-session-size} (64KB here) is answered 413 with a plain-text line
 * naming the property, is counted, and the session keeps its previous version for the next
 * request; a new session over the cap is not kept. A subclass names the test application.
 */
public abstract class SessionLimitsOverHttp {

	/** The file store's directory. */
	@TempDir
	protected Path dir;

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.cookieHandler(new CookieManager())
		.build();

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
		assertThat(refused.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/plain"));
		assertThat(refused.body()).contains("sessions.max-session-size").doesNotContain("set second");

		HttpResponse<String> next = get(application, "/mark");
		assertThat(next.statusCode()).isEqualTo(200);
		assertThat(next.body()).isEqualTo("first");
		assertThat(oversized(application)).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "file" })
	void aNewSessionOverTheCapIsAnswered413AndNotKept(String store) throws Exception {
		ConfigurableApplicationContext application = start(store);
		HttpResponse<String> refused = get(application, "/set?mark=first&padding=200000");
		assertThat(refused.statusCode()).isEqualTo(413);
		assertThat(refused.body()).contains("sessions.max-session-size");
		assertThat(get(application, "/mark").body()).isEqualTo("none");
		assertThat(oversized(application)).isEqualTo(1);
	}

	/**
	 * Return a builder of the test application, which answers {@code /set?mark=&padding=} and
	 * {@code /mark}.
	 * @return the builder
	 */
	protected abstract SpringApplicationBuilder application();

	/**
	 * Start the test application on a free loopback port, stopped after the test.
	 * @param store the value of {@code sessions.store}
	 * @param properties more properties
	 * @return the application
	 */
	protected final ConfigurableApplicationContext start(String store, String... properties) {
		ConfigurableApplicationContext context = application()
			.properties("server.port=0", "server.address=127.0.0.1", "sessions.store=" + store,
					"sessions.file.dir=" + this.dir, "sessions.max-session-size=64KB", "spring.main.banner-mode=off")
			.properties(properties)
			.run();
		this.applications.add(context);
		return context;
	}

	/**
	 * Send a GET request with the cookies of the earlier responses.
	 * @param context the application
	 * @param path the path and query
	 * @return the response
	 */
	protected final HttpResponse<String> get(ConfigurableApplicationContext context, String path)
			throws IOException, InterruptedException {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build();
		return this.client.send(request, HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * Return how many saves the size cap refused.
	 * @param context the application
	 * @return the count of {@code sessions.store.oversized}
	 */
	protected static double oversized(ConfigurableApplicationContext context) {
		return context.getBean(MeterRegistry.class).get("sessions.store.oversized").functionCounter().count();
	}

}
