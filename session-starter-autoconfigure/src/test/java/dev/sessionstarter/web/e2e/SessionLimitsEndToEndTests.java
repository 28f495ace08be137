package dev.sessionstarter.web.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session size cap over real HTTP on embedded Tomcat: the cases of every web stack (see
 * {@link SessionLimitsOverHttp}), and the servlet's own: a save the cap refuses after the response
 * was sent leaves that response as it was. With {@code sessions.encryption.key} (read from a file
 * through Boot's config tree) the session files hold no plain value.
 */
class SessionLimitsEndToEndTests extends SessionLimitsOverHttp {

	@TempDir
	Path secrets;

	@Override
	protected SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(LimitsTestApplication.class);
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

}
