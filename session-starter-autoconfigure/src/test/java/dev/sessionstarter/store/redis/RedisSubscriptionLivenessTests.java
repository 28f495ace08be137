package dev.sessionstarter.store.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.lettuce.core.ClientOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.store.SessionChange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An instance whose subscription to released locks hears nothing while its commands still reach
 * Redis (a silent partition, a half-open connection: the proxy passes nothing of it on and closes
 * nothing), or whose subscription's connection was closed with Lettuce's reconnection switched
 * off: a release published meanwhile is not heard, and the waiter gets the lock once the
 * subscription's liveness check has found it deaf and subscribed again, long before the lease.
 * An instance that retains locks and whose subscription stays deaf (subscribing again keeps
 * failing) cannot hear the requests for them: it gives them up once the check finds it deaf.
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

	private final RedisHeldLocks proxiedHeld = new RedisHeldLocks();

	/**
	 * The retention of an instance behind the proxy that retains locks, longer than any wait.
	 */
	private Duration retain = Duration.ZERO;

	private SubscriptionProxy proxy;

	private LettuceConnectionFactory proxiedFactory;

	/**
	 * The instance behind the proxy (or on a client of its own): the waiter, or the retaining
	 * holder.
	 */
	private RedisSessionLockManager proxied;

	@AfterEach
	void close() throws Exception {
		this.holder.close();
		if (this.proxied != null) {
			this.proxied.close();
		}
		if (this.proxiedFactory != null) {
			this.proxiedFactory.destroy();
		}
		if (this.proxy != null) {
			this.proxy.close();
		}
	}

	@Test
	void aWaiterWhoseSubscriptionFellSilentGetsTheLockWhenSubscribedAgain() throws Exception {
		startInstanceBehindProxy(true);
		waitWhile("silent", this.proxy::silenceSubscriptions);
	}

	@Test
	void aWaiterWhoseSubscriptionWasClosedWithoutReconnectionGetsTheLockWhenSubscribedAgain() throws Exception {
		startInstanceBehindProxy(false);
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
		this.proxiedFactory = redis.newConnectionFactory();
		this.proxied = new RedisSessionLockManager(new RedisCalls(this.proxiedFactory, Duration.ofSeconds(5)), this.keys,
				new RedisHeldLocks(), LEASE);
		takeAfterRelease("before-stop");
		this.proxiedFactory.stop();
		// stopped for two checks
		await().pollDelay(Duration.ofMillis(2 * SubscriptionLiveness.INTERVAL_MILLIS)).atMost(WAIT).until(() -> true);
		this.proxiedFactory.start();
		takeAfterRelease("after-start");
	}

	private void takeAfterRelease(String sessionId) throws Exception {
		SessionLock lock = this.holder.tryLock(sessionId, Duration.ZERO);
		assertThat(lock).isNotNull();
		Waiting<SessionLock> waiting = Waiting.start(() -> this.proxied.tryLock(sessionId, Duration.ofSeconds(100)));
		waiting.awaitParked();
		lock.release();
		try (SessionLock taken = waiting.get(WAIT)) {
			assertThat(taken).as("taken long before the lease ends").isNotNull();
		}
	}

	/**
	 * The asking instance's request is published while the holder hears nothing, and its
	 * subscription cannot be made again: the holder used to keep the lock for the whole
	 * retention, and the other instance waited it out.
	 */
	@Test
	void aLockRetainedByAnInstanceWhoseSubscriptionStaysDeafIsGivenUpForAnotherInstance() throws Exception {
		this.retain = LEASE;
		startInstanceBehindProxy(true);
		RedisSessionStore store = new RedisSessionStore(new RedisCalls(this.proxiedFactory, Duration.ofSeconds(5)),
				this.keys, Duration.ofMinutes(12), Clock.systemUTC(), this.proxiedHeld);
		String id = "retained";
		store.save(change(id, true));
		try (SessionLock lock = this.proxied.tryLock(id, Duration.ZERO)) {
			assertThat(lock).isNotNull();
			store.find(id);
			store.save(change(id, false));
		}
		assertThat(this.proxied.retained()).isOne();
		this.proxy.silenceEverySubscription();
		Waiting<SessionLock> asking = Waiting.start(() -> this.holder.tryLock(id, Duration.ofSeconds(100)));
		try (SessionLock taken = asking.get(WAIT)) {
			assertThat(taken).as("given up once found deaf, long before the retention ends").isNotNull();
		}
	}

	private void startInstanceBehindProxy(boolean autoReconnect) throws Exception {
		this.proxy = new SubscriptionProxy(redis.port());
		this.proxiedFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", this.proxy.port()), LettuceClientConfiguration.builder()
					.clientOptions(ClientOptions.builder().autoReconnect(autoReconnect).build())
					.build());
		this.proxiedFactory.afterPropertiesSet();
		this.proxiedFactory.start();
		this.proxied = new RedisSessionLockManager(new RedisCalls(this.proxiedFactory, Duration.ofSeconds(5)), this.keys,
				this.proxiedHeld, LEASE, this.retain);
	}

	private static SessionChange change(String id, boolean create) {
		long now = System.currentTimeMillis();
		return new SessionChange(id, null, create, now, now, 1_800_000L, false, null, Map.of("a", "1".getBytes()));
	}

	private void waitWhile(String sessionId, Runnable fault) throws Exception {
		SessionLock lock = this.holder.tryLock(sessionId, Duration.ZERO);
		assertThat(lock).isNotNull();
		Waiting<SessionLock> waiting = Waiting.start(() -> this.proxied.tryLock(sessionId, Duration.ofSeconds(100)));
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
