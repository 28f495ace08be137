package dev.sessionstarter.it;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.session.MapSession;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.SessionRepository;

import dev.sessionstarter.store.StoreSessionRepository;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The memoized store over real HTTP in front of the application's own Spring Session repository
 * (a {@link MapSessionRepository} standing in for Redis or JDBC): the starter's repository is
 * the one Spring Session uses, every change reaches the application's repository before the
 * response, and reads are served from the cache. A save that the application's repository
 * refuses fails the request, and the cache does not keep the change it could not store.
 */
@SpringBootTest(classes = SecuredApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sessions.store=memoized", "sessions.memoized.delegate=repository",
				"sessions.memoized.coherence=exclusive",
				"management.endpoints.web.exposure.include=sessions,sessionstore" })
@Import(MemoizedRepositoryIntegrationTests.ApplicationRepository.class)
class MemoizedRepositoryIntegrationTests {

	private final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	private int port;

	@Autowired
	private FailingMapSessionRepository applicationRepository;

	@Autowired
	private SessionRepository<?> primaryRepository;

	@Test
	void writesEveryVisitThroughToTheApplicationsRepositoryAndReadsFromTheCache() throws Exception {
		assertThat(this.primaryRepository).isInstanceOf(StoreSessionRepository.class);
		HttpClient visitor = client();
		assertThat(getJson(visitor, "/visit")).containsEntry("visits", 1);
		assertThat(getJson(visitor, "/visit")).containsEntry("visits", 2);
		Map<String, Object> third = getJson(visitor, "/visit");
		assertThat(third).containsEntry("visits", 3);
		MapSession stored = this.applicationRepository.findById((String) third.get("session"));
		assertThat(stored).isNotNull();
		assertThat((Integer) stored.getAttribute("visits")).isEqualTo(3);
		Map<String, Object> store = getJson(client(), "/actuator/sessionstore");
		assertThat(store).containsEntry("store", "memoized");
		@SuppressWarnings("unchecked")
		Map<String, Object> cache = (Map<String, Object>) store.get("cache");
		assertThat(cache).containsEntry("delegate", "repository").containsEntry("coherence", "exclusive");
		assertThat(((Number) cache.get("hits")).longValue()).isGreaterThanOrEqualTo(2);
		assertThat(((Number) cache.get("hitRatio")).doubleValue()).isPositive();
	}

	@Test
	void aSaveTheApplicationsRepositoryRefusesFailsTheRequestAndIsNotCached() throws Exception {
		HttpClient visitor = client();
		Map<String, Object> first = getJson(visitor, "/visit");
		assertThat(first).containsEntry("visits", 1);
		String id = (String) first.get("session");
		this.applicationRepository.failSaves = true;
		HttpResponse<String> failed;
		try {
			failed = send(visitor, HttpRequest.newBuilder(uri("/visit")).GET());
		}
		finally {
			this.applicationRepository.failSaves = false;
		}
		assertThat(failed.statusCode()).as(failed.body()).isEqualTo(500);
		assertThat((Integer) this.applicationRepository.findById(id).getAttribute("visits")).isEqualTo(1);
		assertThat(getJson(visitor, "/visit")).containsEntry("visits", 2).containsEntry("session", id);
		assertThat((Integer) this.applicationRepository.findById(id).getAttribute("visits")).isEqualTo(2);
	}

	@Test
	void keepsALoginInTheApplicationsRepository() throws Exception {
		HttpClient alice = client();
		HttpResponse<String> login = send(alice, HttpRequest.newBuilder(uri("/login"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(BodyPublishers.ofString("username=alice&password=secret")));
		assertThat(login.statusCode()).isEqualTo(302);
		Map<String, Object> me = getJson(alice, "/me");
		assertThat(me).containsEntry("name", "alice");
		MapSession stored = this.applicationRepository.findById((String) me.get("session"));
		assertThat(stored).isNotNull();
		assertThat(stored.getAttributeNames()).contains("SPRING_SECURITY_CONTEXT");
	}

	private HttpClient client() {
		return HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws Exception {
		return client.send(request.build(), BodyHandlers.ofString());
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> getJson(HttpClient client, String path) throws Exception {
		HttpResponse<String> response = send(client, HttpRequest.newBuilder(uri(path)).GET());
		assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
		return this.json.readValue(response.body(), Map.class);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class ApplicationRepository {

		@Bean
		FailingMapSessionRepository applicationSessionRepository() {
			return new FailingMapSessionRepository();
		}

	}

	/**
	 * The application's repository, whose saves can be made to fail as a database or Redis
	 * server that is down would.
	 */
	static class FailingMapSessionRepository extends MapSessionRepository {

		volatile boolean failSaves;

		FailingMapSessionRepository() {
			super(new ConcurrentHashMap<>());
		}

		@Override
		public void save(MapSession session) {
			if (this.failSaves) {
				throw new IllegalStateException("The session database is down");
			}
			super.save(session);
		}

	}

}
