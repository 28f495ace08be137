package dev.sessionstarter.store.redis;

import java.time.Duration;
import java.util.UUID;

import io.lettuce.core.ClientOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.sessionstarter.lock.SessionLock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An instance whose subscription to released locks hears nothing while its commands still reach
 * Redis (a silent partition, a half-open connection: the proxy passes nothing of it on and closes
 * nothing), or whose subscription's connection was closed with Lettuce's reconnection switched
 * off: a release published meanwhile is not heard, and the waiter gets the lock once the
 * subscription's liveness check has found it deaf and subscribed again, long before the lease.
 */
class RedisSubscriptionLivenessTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	/**
	 * Longer than any wait of the test: only the liveness check ends a wait before it.
	 */
	private static final Duration LEASE = Duration.ofMinutes(2);

	private static final Duration WAIT = Duration.ofSeconds(45);

	private final RedisKeys keys = new RedisKeys("liveness-" + UUID.randomUUID());

	private final RedisSessionLockManager holder = new RedisSessionLockManager(
			new RedisCalls(redis.connectionFactory(), Duration.ofSeconds(5)), this.keys, new RedisHeldLocks(), LEASE);

	private SubscriptionProxy proxy;

	private LettuceConnectionFactory waiterFactory;

	private RedisSessionLockManager waiter;

	@AfterEach
	void close() throws Exception {
		this.holder.close();
		if (this.waiter != null) {
			this.waiter.close();
		}
		if (this.waiterFactory != null) {
			this.waiterFactory.destroy();
		}
		if (this.proxy != null) {
			this.proxy.close();
		}
	}

	@Test
	void aWaiterWhoseSubscriptionFellSilentGetsTheLockWhenSubscribedAgain() throws Exception {
		startWaiterInstance(true);
		waitWhile("silent", this.proxy::silenceSubscriptions);
	}

	@Test
	void aWaiterWhoseSubscriptionWasClosedWithoutReconnectionGetsTheLockWhenSubscribedAgain() throws Exception {
		startWaiterInstance(false);
		waitWhile("dropped", this.proxy::dropSubscriptions);
	}

	/**
	 * The waiter's client stopped and started again as a Spring context stop and start (or a
	 * checkpoint and restore) does with the connection factory: its subscription's connection was
	 * closed with the client. The liveness check skips its checks while the client is stopped (it
	 * used to end itself then, so nobody subscribed again and a later release was not heard),
	 * then finds the subscription deaf and makes it again.
	 */
	@Test
	void aWaiterWhoseClientWasStoppedAndStartedAgainHearsALaterRelease() throws Exception {
		this.waiterFactory = redis.newConnectionFactory();
		this.waiter = new RedisSessionLockManager(new RedisCalls(this.waiterFactory, Duration.ofSeconds(5)), this.keys,
				new RedisHeldLocks(), LEASE);
		takeAfterRelease("before-stop");
		this.waiterFactory.stop();
		// stopped for two checks
		await().pollDelay(Duration.ofMillis(2 * SubscriptionLiveness.INTERVAL_MILLIS)).atMost(WAIT).until(() -> true);
		this.waiterFactory.start();
		takeAfterRelease("after-start");
	}

	private void takeAfterRelease(String sessionId) throws Exception {
		SessionLock lock = this.holder.tryLock(sessionId, Duration.ZERO);
		assertThat(lock).isNotNull();
		Waiting<SessionLock> waiting = Waiting.start(() -> this.waiter.tryLock(sessionId, Duration.ofSeconds(100)));
		waiting.awaitParked();
		lock.release();
		try (SessionLock taken = waiting.get(WAIT)) {
			assertThat(taken).as("taken long before the lease ends").isNotNull();
		}
	}

	private void startWaiterInstance(boolean autoReconnect) throws Exception {
		this.proxy = new SubscriptionProxy(redis.port());
		this.waiterFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", this.proxy.port()), LettuceClientConfiguration.builder()
					.clientOptions(ClientOptions.builder().autoReconnect(autoReconnect).build())
					.build());
		this.waiterFactory.afterPropertiesSet();
		this.waiterFactory.start();
		this.waiter = new RedisSessionLockManager(new RedisCalls(this.waiterFactory, Duration.ofSeconds(5)), this.keys,
				new RedisHeldLocks(), LEASE);
	}

	private void waitWhile(String sessionId, Runnable fault) throws Exception {
		SessionLock lock = this.holder.tryLock(sessionId, Duration.ZERO);
		assertThat(lock).isNotNull();
		Waiting<SessionLock> waiting = Waiting.start(() -> this.waiter.tryLock(sessionId, Duration.ofSeconds(100)));
		waiting.awaitParked();
		assertThat(this.proxy.subscriptions()).isOne();
		fault.run();
		// published while the waiter's subscription hears nothing
		lock.release();
		try (SessionLock taken = waiting.get(WAIT)) {
			assertThat(taken).as("taken long before the lease ends").isNotNull();
		}
		assertThat(this.proxy.subscriptions()).as("subscribed again on a new connection").isEqualTo(2);
	}

}
