package dev.sessionstarter.it;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The size of a logged-in user's session file, as a new user of Spring Security's form login
 * meets it: a real login over HTTP to {@link SecuredApplication} with the file store, in each
 * format. The README's figures for the two formats come from this test's output.
 */
class LoggedInSessionFileSizeTests {

	@TempDir
	Path dir;

	@ParameterizedTest
	@ValueSource(strings = { "binary", "json" })
	void aLoggedInSessionFileHoldsTheSecurityContext(String format) throws Exception {
		try (ConfigurableApplicationContext application = new SpringApplicationBuilder(SecuredApplication.class)
			.properties("server.port=0", "sessions.store=file", "sessions.file.dir=" + this.dir,
					"sessions.file.format=" + format, "spring.main.banner-mode=off")
			.run()) {
			int port = ((WebServerApplicationContext) application).getWebServer().getPort();
			HttpClient alice = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
			URI base = URI.create("http://127.0.0.1:" + port);
			HttpResponse<String> login = alice.send(HttpRequest.newBuilder(base.resolve("/login"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(BodyPublishers.ofString("username=alice&password=secret"))
				.build(), BodyHandlers.ofString());
			assertThat(login.statusCode()).isEqualTo(302);
			HttpResponse<String> me = alice.send(HttpRequest.newBuilder(base.resolve("/me")).GET().build(),
					BodyHandlers.ofString());
			assertThat(me.statusCode()).isEqualTo(200);
			List<Path> files;
			try (Stream<Path> listed = Files.list(this.dir)) {
				files = listed.filter(Files::isRegularFile)
					.filter((file) -> !file.getFileName().toString().startsWith("."))
					.toList();
			}
			assertThat(files).hasSize(1);
			long size = Files.size(files.get(0));
			System.out.println("Logged-in session file, " + format + ": " + size + " bytes");
			// binary: two slots, each 1.5 times the record rounded up to 512 bytes (see the README)
			assertThat(size).isLessThan(format.equals("binary") ? 16_384 : 4_096);
		}
	}

}
