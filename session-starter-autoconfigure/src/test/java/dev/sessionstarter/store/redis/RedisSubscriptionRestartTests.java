package dev.sessionstarter.store.redis;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.sessionstarter.lock.SessionLock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code redis-server} restarted under an instance that waits for a lock: the restart lost the
 * lock (the test server keeps nothing), and no release of it will ever be published, so the
 * waiter tries again when its subscription is made again, not at the end of the lease it saw.
 */
class RedisSubscriptionRestartTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	/**
	 * Longer than any wait of the test: only the instance's recovery ends a wait before it.
	 */
	private static final Duration LEASE = Duration.ofMinutes(2);

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final String namespace = "restart-" + UUID.randomUUID();

	private final RedisKeys keys = new RedisKeys(this.namespace);

	private final LettuceConnectionFactory otherFactory = redis.newConnectionFactory();

	private final RedisCalls calls = new RedisCalls(redis.connectionFactory(), Duration.ofSeconds(5));

	private final RedisCalls otherCalls = new RedisCalls(this.otherFactory, Duration.ofSeconds(5));

	private final RedisSessionLockManager one = new RedisSessionLockManager(this.calls, this.keys,
			new RedisHeldLocks(), LEASE);

	private final RedisSessionLockManager other = new RedisSessionLockManager(this.otherCalls, this.keys,
			new RedisHeldLocks(), LEASE);

	@AfterEach
	void closeInstances() {
		this.one.close();
		this.other.close();
		this.otherFactory.destroy();
	}

	@Test
	void aWaiterTriesAgainWhenSubscribedAgainAfterARestartThatLostTheLock() throws Exception {
		SessionLock lock = this.one.tryLock("restarted", Duration.ZERO);
		assertThat(lock).isNotNull();
		Waiting<SessionLock> waiter = Waiting.start(() -> this.other.tryLock("restarted", Duration.ofSeconds(100)));
		waiter.awaitParked();
		redis.stop();
		redis.start();
		try (SessionLock taken = waiter.get(WAIT)) {
			assertThat(taken).as("free after the restart, taken long before the lease ends").isNotNull();
		}
		lock.release();
	}

}
