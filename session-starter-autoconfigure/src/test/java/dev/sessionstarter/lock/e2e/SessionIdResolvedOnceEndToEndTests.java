package dev.sessionstarter.lock.e2e;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.session.web.http.DefaultCookieSerializer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session cookie of a request is read once, by the lock filter, and Spring Session's filter
 * takes the ids it read instead of reading the cookie again (a real embedded server, the
 * application's own {@code CookieSerializer} counting its reads).
 */
@SpringBootTest(classes = { LockTestApplication.class, SessionIdResolvedOnceEndToEndTests.Config.class },
		webEnvironment = WebEnvironment.RANDOM_PORT)
class SessionIdResolvedOnceEndToEndTests {

	@LocalServerPort
	private int port;

	@Autowired
	private CountingCookieSerializer cookieSerializer;

	private SessionClient client;

	@BeforeEach
	void createClient() {
		this.client = new SessionClient(this.port);
	}

	@Test
	void requestOfASessionReadsItsCookieOnce() throws Exception {
		String session = this.client.newSession();
		this.cookieSerializer.reads.set(0);
		assertThat(this.client.get("/increment", session).body()).isEqualTo("1");
		assertThat(this.client.get("/count", session).body()).isEqualTo("1");
		assertThat(this.cookieSerializer.reads).hasValue(2);
	}

	@Test
	void forwardOfASessionReadsItsCookieOnce() throws Exception {
		String session = this.client.newSession();
		this.cookieSerializer.reads.set(0);
		assertThat(this.client.get("/forward", session).body()).isEqualTo("1");
		assertThat(this.cookieSerializer.reads).hasValue(1);
	}

	@Test
	void newSessionIsStillWrittenToTheCookie() throws Exception {
		String session = this.client.newSession();
		assertThat(this.client.count(session)).isZero();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Config {

		@Bean
		CountingCookieSerializer cookieSerializer() {
			return new CountingCookieSerializer();
		}

	}

	static final class CountingCookieSerializer extends DefaultCookieSerializer {

		final AtomicInteger reads = new AtomicInteger();

		@Override
		public List<String> readCookieValues(HttpServletRequest request) {
			this.reads.incrementAndGet();
			return super.readCookieValues(request);
		}

	}

}
