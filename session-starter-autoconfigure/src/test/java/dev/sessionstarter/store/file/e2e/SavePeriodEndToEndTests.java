package dev.sessionstarter.store.file.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

import dev.sessionstarter.store.SessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sessions.save-period} over real HTTP: requests that only read the session leave its
 * file as it was (no write, the same version), a request that changes an attribute writes it,
 * and another instance sharing the directory sees that change at once.
 */
class SavePeriodEndToEndTests {

	@TempDir
	Path dir;

	private final CookieClient client = new CookieClient();

	private final List<ConfigurableApplicationContext> applications = new ArrayList<>();

	@AfterEach
	void stopApplications() {
		this.applications.forEach(ConfigurableApplicationContext::close);
	}

	@ParameterizedTest
	@ValueSource(strings = { "file", "memoized" })
	void requestsThatOnlyReadTheSessionWriteNothingWithinTheSavePeriod(String store) throws Exception {
		ConfigurableApplicationContext application = start(store, "1m");
		String cookie = this.client.get(application, "/cart/add?item=book", null).cookie();
		Path file = this.dir.resolve(sessionId(cookie) + ".session");
		byte[] written = Files.readAllBytes(file);
		long version = storedVersion(application, cookie);
		for (int i = 0; i < 5; i++) {
			assertThat(this.client.get(application, "/cart", cookie).body()).isEqualTo("[\"book\"]");
		}
		assertThat(storedVersion(application, cookie)).isEqualTo(version);
		assertThat(Files.readAllBytes(file)).isEqualTo(written);
		this.client.get(application, "/cart/add?item=pen", cookie);
		assertThat(storedVersion(application, cookie)).isEqualTo(version + 1);
	}

	@Test
	void everyRequestWritesWithoutASavePeriod() throws Exception {
		ConfigurableApplicationContext application = start("file", "0s");
		String cookie = this.client.get(application, "/cart/add?item=book", null).cookie();
		long version = storedVersion(application, cookie);
		for (int i = 0; i < 5; i++) {
			this.client.get(application, "/cart", cookie);
		}
		assertThat(storedVersion(application, cookie)).isEqualTo(version + 5);
	}

	@Test
	void anotherInstanceSeesAChangeAtOnce() throws Exception {
		ConfigurableApplicationContext first = start("memoized", "1m");
		ConfigurableApplicationContext second = start("memoized", "1m");
		String cookie = this.client.get(first, "/cart/add?item=book", null).cookie();
		assertThat(this.client.get(second, "/cart", cookie).body()).isEqualTo("[\"book\"]");
		assertThat(this.client.get(first, "/cart", cookie).body()).isEqualTo("[\"book\"]");
		this.client.get(second, "/cart/add?item=pen", cookie);
		assertThat(this.client.get(first, "/cart", cookie).body()).isEqualTo("[\"book\",\"pen\"]");
	}

	private ConfigurableApplicationContext start(String store, String savePeriod) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(FileStoreTestApplication.class)
			.properties("server.port=0", "sessions.store=" + store, "sessions.memoized.delegate=file",
					"sessions.file.dir=" + this.dir, "sessions.save-period=" + savePeriod,
					"spring.main.banner-mode=off")
			.run();
		this.applications.add(context);
		return context;
	}

	private static String sessionId(String cookie) {
		return new String(Base64.getDecoder().decode(cookie.substring(cookie.indexOf('=') + 1)),
				StandardCharsets.UTF_8);
	}

	private static long storedVersion(ConfigurableApplicationContext context, String cookie) {
		Long version = context.getBean(SessionStore.class).version(sessionId(cookie));
		assertThat(version).isNotNull();
		return version;
	}

}
