package dev.sessionstarter.daemon;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonHeldLocks;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.it.SecuredApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How many requests the daemon receives for one returning HTTP request with daemon request
 * locks, counted by a proxy between the application and a real daemon process. By default
 * (locks retained, version 6) a request that writes costs its save and one that writes nothing
 * no call. Without retention ({@code sessions.daemon.lock-retain=0}): the lock that answers the
 * session and the save that releases it, or for a request that writes nothing the lock and an
 * unlock the daemon does not answer (version 4); the lock answers without the session when the
 * application's copy is current (version 5); older daemons still get the calls they know.
 */
class RoundTripsIT {

	private DaemonProcess daemon;

	private CountingProxy proxy;

	private ConfigurableApplicationContext application;

	@AfterEach
	void stop() throws Exception {
		if (this.application != null) {
			this.application.close();
		}
		if (this.proxy != null) {
			this.proxy.close();
		}
		if (this.daemon != null) {
			this.daemon.close();
		}
	}

	@Test
	void returningRequestWithTheDaemonStoreAsConfiguredByDefaultCostsItsSaveOnly() throws Exception {
		Map<String, Integer> requests = countRetainedRequest(null, "--sessions.store=daemon");
		assertThat(requests).as("requests %s", requests).containsExactlyEntriesOf(Map.of("SAVE_RETAIN", 1));
		assertThat(this.proxy.total()).as("requests %s", requests).isEqualTo(1);
	}

	@Test
	void returningRequestWithMemoizedOverTheDaemonAsConfiguredByDefaultCostsItsSaveOnly() throws Exception {
		Map<String, Integer> requests = countRetainedRequest(null, "--sessions.store=memoized",
				"--sessions.memoized.delegate=daemon");
		assertThat(requests).as("requests %s", requests).containsExactlyEntriesOf(Map.of("SAVE_RETAIN", 1));
	}

	@Test
	void returningRequestThatWritesNothingWithTheDaemonStoreAsConfiguredByDefaultCostsNoCall() throws Exception {
		Map<String, Integer> requests = countRetainedRequest("/actuator", "--sessions.store=daemon");
		assertThat(requests).as("requests %s", requests).isEmpty();
	}

	@Test
	void returningRequestWithDaemonLocks() throws Exception {
		Map<String, Integer> requests = countReturningRequest("--sessions.store=daemon");
		assertThat(requests).as("requests %s", requests).containsOnlyKeys("LOCK_FIND_SINCE", "SAVE_UNLOCK");
		assertThat(this.proxy.total()).as("requests %s", requests).isEqualTo(2);
	}

	@Test
	void returningRequestWithMemoizedValidateOverTheDaemon() throws Exception {
		Map<String, Integer> requests = countReturningRequest("--sessions.store=memoized",
				"--sessions.memoized.delegate=daemon", "--sessions.lock.manager=daemon");
		assertThat(requests).as("requests %s", requests).containsOnlyKeys("LOCK_FIND_SINCE", "SAVE_UNLOCK");
		assertThat(this.proxy.total()).as("requests %s", requests).isEqualTo(2);
	}

	@Test
	void daemonOfProtocolVersion2GetsTheFourCallsOfLockGetSaveUnlock() throws Exception {
		Map<String, Integer> requests = countRequest(
				new byte[] { Opcodes.LOCK_FIND_SINCE, Opcodes.LOCK_FIND, Opcodes.HELLO }, null, "--sessions.store=daemon");
		assertThat(requests).as("requests %s", requests)
			.containsExactlyInAnyOrderEntriesOf(Map.of("LOCK", 1, "GET", 1, "SAVE", 1, "UNLOCK", 1));
	}

	@Test
	void returningRequestThatWritesNothingWithDaemonLocksWaitsForOneAnswer() throws Exception {
		Map<String, Integer> requests = countRequest(new byte[0], "/actuator", "--sessions.store=daemon");
		assertThat(requests).as("requests %s", requests)
			.containsExactlyInAnyOrderEntriesOf(Map.of("LOCK_FIND_SINCE", 1, "UNLOCK_QUIET", 1));
		// the lock's answer only: length, status, token and FOUND_CURRENT, not the session
		assertThat(this.proxy.answerBytes()).isEqualTo(4 + 1 + 8 + 1);
	}

	@Test
	void daemonOfProtocolVersion4AnswersTheSessionWithTheLock() throws Exception {
		Map<String, Integer> requests = countRequest(new byte[] { Opcodes.LOCK_FIND_SINCE }, "/actuator",
				"--sessions.store=daemon");
		assertThat(requests).as("requests %s", requests)
			.containsExactlyInAnyOrderEntriesOf(Map.of("LOCK_FIND", 1, "UNLOCK_QUIET", 1));
		// the session follows, its id (36 characters) among it
		assertThat(this.proxy.answerBytes()).isGreaterThan(4 + 1 + 8 + 1 + 36);
	}

	@Test
	void daemonOfProtocolVersion3AnswersTheUnlockOfARequestThatWritesNothing() throws Exception {
		Map<String, Integer> requests = countRequest(new byte[] { Opcodes.LOCK_FIND_SINCE, Opcodes.HELLO },
				"/actuator", "--sessions.store=daemon");
		assertThat(requests).as("requests %s", requests)
			.containsExactlyInAnyOrderEntriesOf(Map.of("LOCK_FIND", 1, "UNLOCK", 1));
	}

	private Map<String, Integer> countReturningRequest(String... properties) throws Exception {
		return countRequest(new byte[0], null, properties);
	}

	/**
	 * Count the daemon requests of the third request of a session, as {@link #countRequest}, with
	 * no setting of the daemon's request locks: they are retained once the notice connection is up.
	 */
	private Map<String, Integer> countRetainedRequest(String readOnlyPath, String... properties) throws Exception {
		startApplication(new byte[0], List.of(properties));
		DaemonHeldLocks heldLocks = this.application.getBean(DaemonHeldLocks.class);
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(heldLocks::isRetaining);
		visitThenCount(readOnlyPath, () -> {
		});
		return this.proxy.requests();
	}

	/**
	 * Count the daemon requests of the third request of a session: a visit that writes, or one
	 * to {@code readOnlyPath} (made once before the count too).
	 */
	private Map<String, Integer> countRequest(byte[] refused, String readOnlyPath, String... properties)
			throws Exception {
		List<String> plain = new ArrayList<>(List.of(properties));
		// without retention: every request takes and releases its lock in the daemon
		plain.add("--sessions.daemon.lock-retain=0");
		startApplication(refused, plain);
		// a read-only request's UNLOCK_QUIET may follow its answer (the response is committed before the filter
		// releases its lock): the one before the count is not counted, the counted one is
		visitThenCount(readOnlyPath, this::awaitNoLock);
		awaitNoLock();
		return this.proxy.requests();
	}

	private void startApplication(byte[] refused, List<String> properties) throws Exception {
		this.daemon = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()));
		this.proxy = new CountingProxy(this.daemon.address().port());
		this.proxy.refuse(refused);
		List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
				"--sessions.daemon.address=" + this.proxy.port(), "--sessions.purge-interval=1h",
				"--spring.main.banner-mode=off"));
		arguments.addAll(properties);
		this.application = new SpringApplicationBuilder(SecuredApplication.class)
			.run(arguments.toArray(String[]::new));
	}

	/**
	 * Visit twice, then count the daemon requests of a third visit, or of a second request to
	 * {@code readOnlyPath} (made once before the count, then {@code beforeCount} runs).
	 */
	private void visitThenCount(String readOnlyPath, Runnable beforeCount) throws Exception {
		int port = Integer.parseInt(this.application.getEnvironment().getProperty("local.server.port"));
		HttpClient visitor = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
		assertThat(visit(visitor, port)).contains("\"visits\":1");
		assertThat(visit(visitor, port)).contains("\"visits\":2");
		if (readOnlyPath != null) {
			get(visitor, port, readOnlyPath);
			beforeCount.run();
			this.proxy.reset();
			get(visitor, port, readOnlyPath);
		}
		else {
			this.proxy.reset();
			assertThat(visit(visitor, port)).contains("\"visits\":3");
		}
	}

	/**
	 * Wait until the daemon holds no lock: the releases sent after a response reached it.
	 */
	private void awaitNoLock() {
		try (DaemonClient stats = new DaemonClient(this.daemon.address(), Duration.ofSeconds(5), 1, 1, null)) {
			Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> stats.stats().locks() == 0);
		}
	}

	private static String visit(HttpClient client, int port) throws Exception {
		return get(client, port, "/visit");
	}

	private static String get(HttpClient client, int port, String path) throws Exception {
		HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
				+ path)).timeout(Duration.ofSeconds(30)).GET().build(), BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

}
