package dev.sessionstarter.autoconfigure;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.lock.SessionLockManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the tests of a Redis that only an ACL user may use share: the options of its servers
 * (the default user off, one user {@value #USER} with a password), the {@code spring.data.redis.*}
 * properties of that user and of a client name, and the check that every connection of the
 * application on a server is that user's and carries that name.
 */
final class AclRedis {

	static final String USER = "sessions-app";

	static final String PASSWORD = "s3cret-app";

	static final String CLIENT_NAME = "sessions-acl-test";

	/**
	 * Options of {@code redis-server}: no default user, one user with every right.
	 */
	static final List<String> SERVER_OPTIONS = List.of("--user", "default", "off", "--user", USER, "on",
			">" + PASSWORD, "~*", "&*", "+@all");

	/**
	 * Arguments of {@code redis-cli} that authenticate it as that user.
	 */
	static final List<String> CLI_AUTHENTICATION = List.of("--user", USER, "--pass", PASSWORD);

	/**
	 * The properties of the user and the client name.
	 */
	static final String[] PROPERTIES = { "spring.data.redis.username=" + USER,
			"spring.data.redis.password=" + PASSWORD, "spring.data.redis.client-name=" + CLIENT_NAME };

	/**
	 * Longer than any wait of these tests: only a release notice ends a wait before it.
	 */
	static final Duration LEASE = Duration.ofMinutes(2);

	static final Duration WAIT = Duration.ofSeconds(30);

	private AclRedis() {
	}

	/**
	 * Check that {@code CLIENT LIST} of a server shows connections of the application (the
	 * {@code redis-cli} that asked aside), one of them subscribed, all of the user and named.
	 * @param clientList what {@code redis-cli client list} printed
	 */
	static void assertClientsNamedAndOfTheUser(String clientList) {
		List<String> clients = Arrays.stream(clientList.split("\n"))
			.filter((line) -> line.contains(" addr=") && !line.contains("cmd=client|list"))
			.toList();
		assertThat(clients).as(clientList).isNotEmpty();
		assertThat(clients).as("subscribed").anyMatch((line) -> !line.contains(" sub=0 "));
		assertThat(clients).allMatch((line) -> line.contains(" user=" + USER + " "), "of the user")
			.allMatch((line) -> line.contains(" name=" + CLIENT_NAME + " "), "named " + CLIENT_NAME);
	}

	/**
	 * Take a session's lock in one instance, have another wait for it, and release it: the wait
	 * ends with the release notice the other's subscription hears, long before the lease.
	 * @param holder the lock manager of the first instance
	 * @param waiter the lock manager of the other
	 * @param sessionId the session
	 * @param beforeRelease what to do while the other waits
	 * @throws Exception if the wait failed
	 */
	static void releaseWakesAWaiter(SessionLockManager holder, SessionLockManager waiter, String sessionId,
			Runnable beforeRelease) throws Exception {
		SessionLock lock = holder.tryLock(sessionId, Duration.ZERO);
		assertThat(lock).isNotNull();
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			Future<SessionLock> waiting = executor.submit(() -> waiter.tryLock(sessionId, LEASE));
			beforeRelease.run();
			lock.release();
			try (SessionLock taken = waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
				assertThat(taken).as("woken by the release notice").isNotNull();
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

}
