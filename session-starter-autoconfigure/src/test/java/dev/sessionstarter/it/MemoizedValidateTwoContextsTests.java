package dev.sessionstarter.it;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two application contexts (two servers, standing for two processes without sticky sessions)
 * share one session directory through the memoized store in validate coherence: each caches
 * sessions, yet neither ever reads a stale copy, and parallel read-modify-write requests spread
 * over both lose no update (the native request locks of this configuration are the file lock
 * manager's, which hold across both).
 */
class MemoizedValidateTwoContextsTests {

	private final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	Path dir;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final List<Integer> ports = new ArrayList<>();

	@BeforeEach
	void startTwoContexts() {
		for (int i = 0; i < 2; i++) {
			ConfigurableApplicationContext context = new SpringApplicationBuilder(SecuredApplication.class)
				.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
						"sessions.store=memoized", "sessions.memoized.delegate=file",
						"sessions.memoized.coherence=validate", "sessions.file.dir=" + this.dir)
				.run();
			this.contexts.add(context);
			this.ports.add(((WebServerApplicationContext) context).getWebServer().getPort());
		}
	}

	@AfterEach
	void stopContexts() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void aChangeSavedByOneIsSeenByTheOtherOnItsNextRead() throws Exception {
		HttpClient visitor = client();
		assertThat(visit(visitor, 0)).isEqualTo(1);
		assertThat(visit(visitor, 1)).isEqualTo(2);
		assertThat(visit(visitor, 0)).isEqualTo(3);
		assertThat(visit(visitor, 0)).isEqualTo(4);
		assertThat(visit(visitor, 1)).isEqualTo(5);
		MemoizedSessionStore first = this.contexts.get(0).getBean(MemoizedSessionStore.class);
		MemoizedSessionStore second = this.contexts.get(1).getBean(MemoizedSessionStore.class);
		assertThat(first.cacheStatistics().hits()).isPositive();
		assertThat(first.cacheStatistics().misses() + second.cacheStatistics().misses()).isPositive();
	}

	@Test
	void parallelRequestsSpreadOverBothLoseNoUpdate() throws Exception {
		HttpClient visitor = client();
		assertThat(visit(visitor, 0)).isEqualTo(1);
		int threads = 4;
		int visits = 50;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int server = t % 2;
				futures.add(executor.submit(() -> {
					for (int i = 0; i < visits; i++) {
						visit(visitor, (server + i) % 2);
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(visit(visitor, 1)).isEqualTo(1 + threads * visits + 1);
		for (ConfigurableApplicationContext context : this.contexts) {
			assertThat(context.getBean(SessionLockManager.class).type()).isEqualTo("file");
			assertThat(context.getBean(SessionLockManager.class).heldLocks()).isZero();
		}
	}

	private HttpClient client() {
		return HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
	}

	@SuppressWarnings("unchecked")
	private int visit(HttpClient client, int server) throws Exception {
		HttpResponse<String> response = client.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.ports.get(server) + "/visit")).build(),
				BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return ((Number) this.json.readValue(response.body(), Map.class).get("visits")).intValue();
	}

}
