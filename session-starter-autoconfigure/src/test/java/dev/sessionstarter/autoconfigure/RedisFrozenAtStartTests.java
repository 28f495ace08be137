package dev.sessionstarter.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.redis.RedisServer;
import dev.sessionstarter.store.redis.RedisSessionStore;
import dev.sessionstarter.store.redis.RedisUnavailableException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The {@code redis} store and lock manager started while Redis accepts connections and answers
 * nothing ({@code SIGSTOP}), under a client whose command timeout ({@code spring.data.redis.timeout},
 * here 10 minutes) is far longer than {@code sessions.redis.timeout}: startup and every call wait
 * for the connection at most the latter, and once Redis goes on the store and locks work. Before,
 * the store's and the lock manager's connection checks at startup each waited Lettuce's handshake
 * timeout (20 minutes in all here; 2 minutes with Lettuce's default), and so did every request's
 * call until the connection was made. The bound of the test is far above what it takes: only a
 * hang reaches it.
 */
class RedisFrozenAtStartTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private static final Duration HANG = Duration.ofMinutes(3);

	/**
	 * Bounds the close of an application far above what it takes, and far below Lettuce's timeout.
	 */
	private static final Duration CLOSE_HANG = Duration.ofMinutes(1);

	private final WebApplicationContextRunner instance = RedisApplications.runner()
		.withPropertyValues("sessions.store=redis", "sessions.redis.timeout=2s", "spring.data.redis.timeout=10m",
				"spring.data.redis.port=" + redis.port());

	@Test
	void startsAndFailsCallsWithinTheSessionsTimeoutUntilRedisGoesOn() throws Exception {
		redis.pause();
		CompletableFuture<Void> run = CompletableFuture.runAsync(() -> this.instance.run((context) -> {
			assertThat(context).hasNotFailed();
			StoreSessionRepository repository = context.getBean(StoreSessionRepository.class);
			assertThatExceptionOfType(RedisUnavailableException.class)
				.isThrownBy(() -> repository.save(repository.createSession()))
				.withMessageContaining("sessions.redis.timeout");
			redis.resume();
			StoredSession session = repository.createSession();
			await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> repository.save(session));
			assertThat(repository.findById(session.getId())).isNotNull();
			try (SessionLock lock = context.getBean(SessionLockManager.class).tryLock(session.getId(), Duration.ZERO)) {
				assertThat(lock).isNotNull();
			}
		}));
		try {
			run.get(HANG.toSeconds(), TimeUnit.SECONDS);
		}
		finally {
			redis.resume();
		}
	}

	/**
	 * An application closed while Redis is still frozen closes at once: the thread that makes the
	 * shared connection waits for Lettuce's handshake timeout, under the connection factory's lock
	 * that the factory's stop takes too. Before, the close waited for that timeout (10 minutes
	 * here).
	 */
	@Test
	void closesWhileRedisIsStillFrozen() throws Exception {
		redis.pause();
		CompletableFuture<Void> run = CompletableFuture.runAsync(() -> this.instance.run((context) -> {
			assertThat(context).hasNotFailed();
			StoreSessionRepository repository = context.getBean(StoreSessionRepository.class);
			assertThatExceptionOfType(RedisUnavailableException.class)
				.isThrownBy(() -> repository.save(repository.createSession()));
		}));
		try {
			run.get(CLOSE_HANG.toSeconds(), TimeUnit.SECONDS);
		}
		finally {
			redis.resume();
			run.get(HANG.toSeconds(), TimeUnit.SECONDS);
		}
	}

	/**
	 * An application whose startup fails after the store was made, while Redis is frozen, gives
	 * its beans up at once too: the failed startup stops no lifecycle, it destroys the beans, and
	 * the connection factory's destruction stops it. Before, that waited for Lettuce's timeout.
	 */
	@Test
	void failsToStartWhileRedisIsFrozenWithoutWaitingForLettuce() throws Exception {
		redis.pause();
		CompletableFuture<Void> run = CompletableFuture.runAsync(() -> this.instance
			.withUserConfiguration(FailingAfterTheStore.class)
			.run((context) -> assertThat(context).hasFailed()));
		try {
			run.get(CLOSE_HANG.toSeconds(), TimeUnit.SECONDS);
		}
		finally {
			redis.resume();
			run.get(HANG.toSeconds(), TimeUnit.SECONDS);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class FailingAfterTheStore {

		@Bean
		String failing(RedisSessionStore store) {
			throw new IllegalStateException("fails after " + store);
		}

	}

}
