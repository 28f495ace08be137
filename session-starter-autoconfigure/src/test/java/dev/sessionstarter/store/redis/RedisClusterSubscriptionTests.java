package dev.sessionstarter.store.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.store.SessionChange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The subscription of an instance to released locks and to requests for the locks it retains,
 * over a Redis Cluster of three masters whose node that subscription is on is killed: the
 * instance subscribes again on another node by itself, so a waiter is woken by a release and a
 * retaining instance hears another's request long before the lease or retention (two minutes,
 * against waits of at most thirty seconds) would have ended them.
 */
class RedisClusterSubscriptionTests {

	/**
	 * Longer than any wait of these tests: only a message, or the instance's own recovery, ends
	 * a wait before it.
	 */
	private static final Duration LEASE = Duration.ofMinutes(2);

	private static final Duration WAIT = Duration.ofSeconds(30);

	/**
	 * The timeout of a lock call that is to be ended before it by the instance's recovery.
	 */
	private static final Duration LONGER_THAN_WAIT = Duration.ofSeconds(100);

	private final RedisCluster cluster = new RedisCluster();

	private final String namespace = "failover-" + UUID.randomUUID();

	private final RedisKeys keys = new RedisKeys(this.namespace);

	private Instance one;

	private Instance other;

	/**
	 * The command timeout of the instances' clients, or {@code null} for the default.
	 */
	private Duration clientTimeout;

	@BeforeEach
	void startCluster() throws Exception {
		this.cluster.open();
	}

	@AfterEach
	void stopCluster() {
		if (this.one != null) {
			this.one.close();
		}
		if (this.other != null) {
			this.other.close();
		}
		this.cluster.close();
	}

	@Test
	void aWaiterWhoseSubscriptionsNodeFailedIsWokenByALaterRelease() throws Exception {
		ParkedWaiter parked = lockWithParkedWaiter();
		this.cluster.kill(parked.subscribed());
		await().atMost(WAIT).until(() -> subscribers(this.keys.lockReleases()) == 1);
		parked.lock().release();
		try (SessionLock taken = parked.waiter().get(WAIT)) {
			assertThat(taken).as("woken by the release, not by the end of the holder's lease").isNotNull();
		}
	}

	@Test
	void aRetainingInstanceWhoseSubscriptionsNodeFailedHearsALaterRequestForItsLock() throws Exception {
		this.one = new Instance(LEASE);
		this.other = new Instance(Duration.ZERO);
		int subscribed = subscriptionNode();
		String id = sessionRetainedByOne(subscribed);
		this.cluster.kill(subscribed);
		await().atMost(WAIT).until(() -> subscribers(this.keys.lockReleases()) == 1);
		Waiting<SessionLock> asking = Waiting.start(() -> this.other.locks.tryLock(id, LONGER_THAN_WAIT));
		try (SessionLock taken = asking.get(WAIT)) {
			assertThat(taken).as("released when asked, long before the retention ends").isNotNull();
		}
	}

	@Test
	void aReleaseMissedWhileTheSubscriptionsNodeWasFrozenWakesTheWaiterOnceItSubscribesAgain() throws Exception {
		ParkedWaiter parked = lockWithParkedWaiter();
		releaseWhileTheSubscriptionsNodeIsFrozen(parked);
		this.cluster.kill(parked.subscribed());
		try (SessionLock taken = parked.waiter().get(WAIT)) {
			assertThat(taken).as("tried again once subscribed again, not at the end of the lease").isNotNull();
		}
	}

	/**
	 * Frozen and never killed, so Lettuce sees no disconnection: the liveness check finds the
	 * subscription deaf (the ping, published on another node, crosses the cluster bus) and makes
	 * it again on a node that answers within sessions.redis.timeout. The Cluster client's own
	 * pub/sub connection would go to the frozen node again and hang there for the client's command
	 * timeout (spring.data.redis.timeout, here longer than the lease), every attempt of it.
	 */
	@Test
	void aWaiterWhoseSubscriptionsNodeStaysFrozenIsWokenByTheLivenessCheck() throws Exception {
		this.clientTimeout = LONGER_THAN_WAIT.multipliedBy(3);
		ParkedWaiter parked = lockWithParkedWaiter();
		releaseWhileTheSubscriptionsNodeIsFrozen(parked);
		try (SessionLock taken = parked.waiter().get(WAIT.multipliedBy(2))) {
			assertThat(taken).as("tried again once subscribed again, not at the end of the lease").isNotNull();
		}
	}

	/**
	 * Frozen and never killed, a node the subscription is not on (or, when the pings went to the
	 * subscription's node only, that node, off which the liveness check makes the subscription
	 * again once): every later check is to hear its pings and leave the subscription alone, for as
	 * long as the node stays frozen (a subscription made again wakes every waiter and gives up
	 * every retained lock). The pings went to the one node of the Cluster client's keyless
	 * commands, and while it was frozen none was answered, so each check made the subscription
	 * again.
	 */
	@Test
	void aSubscriptionIsNotMadeAgainAndAgainWhileANodeItIsNotOnStaysFrozen() throws Exception {
		LockReleases releases = checkedSubscription(LONGER_THAN_WAIT.multipliedBy(3));
		int subscribed = subscriptionNode();
		int frozen = this.cluster.ports()
			.stream()
			.filter((port) -> port != subscribed && publishes(port) > 0)
			.findFirst()
			.orElse(subscribed);
		this.cluster.pause(frozen);
		// never asks the frozen node, whose redis-cli would hang
		await().atMost(WAIT.multipliedBy(2))
			.until(() -> (frozen != subscribed || releases.resubscriptions() > 0) && this.cluster.ports()
				.stream()
				.filter((port) -> port != frozen)
				.mapToInt((port) -> subscribers(port, this.keys.lockReleases()))
				.sum() == 1);
		long made = releases.resubscriptions();
		long checks = releases.livenessChecks();
		await().atMost(LEASE).until(() -> releases.livenessChecks() >= checks + 4);
		assertThat(releases.resubscriptions()).as("kept while a node it is not on stays frozen").isEqualTo(made);
	}

	/**
	 * The subscription made again on a node of its own connection (not the Cluster client's) is
	 * checked as the first was: with its node frozen too, the pings the one master left takes
	 * cross the cluster bus to a node that delivers nothing, so it is found deaf again and made on
	 * that master, never on the node it was on. Its connection and the check's thread end with the
	 * lock manager.
	 */
	@Test
	void aSubscriptionMadeAgainIsFoundDeafWhenItsNodeFreezesInTurn() throws Exception {
		this.clientTimeout = LONGER_THAN_WAIT.multipliedBy(3);
		this.one = new Instance(Duration.ZERO);
		LockReleases releases = this.one.held.releases(this.one.calls, this.keys);
		releases.subscribe();
		int first = subscriptionNode();
		this.cluster.pause(first);
		int again = await().atMost(WAIT.multipliedBy(2))
			.until(() -> (releases.resubscriptions() > 0) ? subscribedNodeOtherThan(first) : 0, (port) -> port != 0);
		long made = releases.resubscriptions();
		this.cluster.pause(again);
		int last = this.cluster.ports()
			.stream()
			.filter((port) -> port != first && port != again)
			.findFirst()
			.orElseThrow();
		await().atMost(WAIT.multipliedBy(2))
			.until(() -> releases.resubscriptions() > made && subscribers(last, this.keys.lockReleases()) == 1);
		assertThat(releases.isListening()).as("listening on the one node that answers").isTrue();
		// the lock manager alone: its client, left open, does not close the connection for it
		this.one.locks.close();
		await().atMost(WAIT).until(() -> subscribers(last, this.keys.lockReleases()) == 0);
		await().atMost(WAIT)
			.until(() -> Thread.getAllStackTraces()
				.keySet()
				.stream()
				.noneMatch((thread) -> thread.getName().startsWith("redis-session-lock-subscription")));
	}

	/**
	 * Start one instance, its client's command timeout as given, and make its subscription; return
	 * once the liveness check has checked it.
	 */
	private LockReleases checkedSubscription(Duration clientTimeout) throws InterruptedException {
		this.clientTimeout = clientTimeout;
		this.one = new Instance(Duration.ZERO);
		LockReleases releases = this.one.held.releases(this.one.calls, this.keys);
		releases.subscribe();
		await().atMost(WAIT).until(() -> releases.livenessChecks() > 0);
		return releases;
	}

	/**
	 * Return the port of a node, other than one not to be asked (frozen), that the subscription
	 * is on, or 0.
	 */
	private int subscribedNodeOtherThan(int frozen) {
		return this.cluster.ports()
			.stream()
			.filter((port) -> port != frozen && subscribers(port, this.keys.lockReleases()) == 1)
			.findFirst()
			.orElse(0);
	}

	/**
	 * A master that stays frozen is sent no ping once another took one in its stead: each ping
	 * sent to it waits in its connection (and in Lettuce's queue of commands to answer, timed out
	 * or not) until it goes on, so one a check piled up there for as long as it stayed frozen
	 * (6 in 6 checks, each running once it went on).
	 */
	@Test
	void aMasterThatStaysFrozenIsNotSentAPingEveryCheck() throws Exception {
		LockReleases releases = checkedSubscription(Duration.ofSeconds(8));
		int subscribed = subscriptionNode();
		int frozen = this.cluster.ports()
			.stream()
			.filter((port) -> port != subscribed)
			.findFirst()
			.orElseThrow();
		long before = publishes(frozen);
		this.cluster.pause(frozen);
		long checks = releases.livenessChecks();
		await().atMost(LEASE).until(() -> releases.livenessChecks() >= checks + 6);
		this.cluster.resume(frozen);
		// what its connection held is run before a later command of that connection
		String node = nodeId(frozen);
		this.one.calls.<Long>call("publish", (commands) -> nodeCommands(commands, node)
			.publish(this.keys.lockReleases(), new byte[0]));
		assertThat(publishes(frozen) - before - 1).as("pings sent to the frozen master").isLessThanOrEqualTo(2);
		assertThat(releases.resubscriptions()).isZero();
	}

	private static RedisClusterAsyncCommands<byte[], byte[]> nodeCommands(
			RedisClusterAsyncCommands<byte[], byte[]> commands, String nodeId) {
		return ((RedisAdvancedClusterAsyncCommands<byte[], byte[]>) commands).getStatefulConnection()
			.getConnection(nodeId)
			.async();
	}

	private String nodeId(int port) {
		RedisClusterClient client = (RedisClusterClient) this.one.factory.getRequiredNativeClient();
		return client.getPartitions()
			.stream()
			.filter((node) -> node.getUri().getPort() == port)
			.findFirst()
			.orElseThrow()
			.getNodeId();
	}

	@Test
	void aRequestMissedWhileTheSubscriptionsNodeWasFrozenIsAnsweredOnceItSubscribesAgain() throws Exception {
		this.one = new Instance(LEASE);
		this.other = new Instance(Duration.ZERO);
		int subscribed = subscriptionNode();
		String id = sessionRetainedByOne(subscribed);
		this.other.held.releases(this.other.calls, this.keys).subscribe();
		this.cluster.pause(subscribed);
		Waiting<SessionLock> asking = Waiting.start(() -> this.other.locks.tryLock(id, LONGER_THAN_WAIT));
		asking.awaitParked();
		this.cluster.kill(subscribed);
		try (SessionLock taken = asking.get(WAIT)) {
			assertThat(taken).as("released once subscribed again, long before the retention ends").isNotNull();
		}
	}

	/**
	 * Lock a session, on another node than the subscription's, in the first of two instances that
	 * release their locks, and park a waiter for it in the second.
	 */
	private ParkedWaiter lockWithParkedWaiter() throws InterruptedException {
		this.one = new Instance(Duration.ZERO);
		this.other = new Instance(Duration.ZERO);
		this.other.held.releases(this.other.calls, this.keys).subscribe();
		int subscribed = subscriptionNode();
		String id = sessionNotOn(subscribed);
		this.one.store.save(change(id, true));
		SessionLock lock = this.one.locks.tryLock(id, Duration.ZERO);
		assertThat(lock).isNotNull();
		Waiting<SessionLock> waiter = Waiting.start(() -> this.other.locks.tryLock(id, LONGER_THAN_WAIT));
		waiter.awaitParked();
		return new ParkedWaiter(subscribed, id, lock, waiter);
	}

	/**
	 * Freeze the node of the waiter's subscription, then release the lock it waits for: the
	 * release is published while the subscription cannot hear it.
	 */
	private void releaseWhileTheSubscriptionsNodeIsFrozen(ParkedWaiter parked) {
		this.cluster.pause(parked.subscribed());
		parked.lock().release();
		await().atMost(WAIT).until(() -> !exists(this.keys.lock(parked.id())));
	}

	/**
	 * Return a session, on another node than the subscription's, whose lock the first instance
	 * retains after a request saved it.
	 */
	private String sessionRetainedByOne(int subscribed) throws InterruptedException {
		String id = sessionNotOn(subscribed);
		this.one.store.save(change(id, true));
		try (SessionLock lock = this.one.locks.tryLock(id, Duration.ZERO)) {
			this.one.store.find(id);
			this.one.store.save(change(id, false));
		}
		assertThat(this.one.locks.retained()).isOne();
		return id;
	}

	private boolean exists(byte[] key) {
		return this.one.calls.<Long>call("exists", (commands) -> commands.exists(key)) == 1;
	}

	/**
	 * Return the port of the node the one subscription to released locks is on.
	 */
	private int subscriptionNode() {
		await().atMost(WAIT).until(() -> subscribers(this.keys.lockReleases()) == 1);
		return this.cluster.ports()
			.stream()
			.filter((port) -> subscribers(port, this.keys.lockReleases()) == 1)
			.findFirst()
			.orElseThrow();
	}

	/**
	 * Return how many subscribers a channel has on the nodes that run.
	 */
	private int subscribers(byte[] channel) {
		return this.cluster.ports().stream().mapToInt((port) -> subscribers(port, channel)).sum();
	}

	private static int subscribers(int port, byte[] channel) {
		String[] lines = RedisServer.cli("-p", Integer.toString(port), "pubsub", "numsub", new String(channel))
			.trim()
			.split("\n");
		return (lines.length == 2 && lines[1].trim().matches("\\d+")) ? Integer.parseInt(lines[1].trim()) : 0;
	}

	/**
	 * Return how many {@code PUBLISH} commands the node on a port took from clients.
	 */
	private static long publishes(int port) {
		Matcher calls = Pattern.compile("cmdstat_publish:calls=(\\d+)")
			.matcher(RedisServer.cli("-p", Integer.toString(port), "info", "commandstats"));
		return calls.find() ? Long.parseLong(calls.group(1)) : 0;
	}

	/**
	 * Return a session id whose slot is served by another node than the one on a port.
	 */
	private String sessionNotOn(int port) {
		RedisClusterClient client = (RedisClusterClient) this.one.factory.getRequiredNativeClient();
		for (int i = 0;; i++) {
			String id = "session-" + i;
			int slot = SlotHash.getSlot(this.keys.lock(id));
			if (client.getPartitions().getPartitionBySlot(slot).getUri().getPort() != port) {
				return id;
			}
		}
	}

	private LettuceConnectionFactory newConnectionFactory() {
		if (this.clientTimeout == null) {
			return this.cluster.newConnectionFactory();
		}
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisClusterConfiguration(this.cluster.nodes()),
				LettuceClientConfiguration.builder().commandTimeout(this.clientTimeout).build());
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	private static SessionChange change(String id, boolean create) {
		long now = System.currentTimeMillis();
		return new SessionChange(id, null, create, now, now, 1_800_000L, false, null, Map.of("a", "1".getBytes()));
	}

	/**
	 * A session locked by the first instance and waited for by the second.
	 * @param subscribed the port of the node of the second's subscription
	 * @param id the session id
	 * @param lock the first instance's lock
	 * @param waiter the second instance's lock call, parked
	 */
	private record ParkedWaiter(int subscribed, String id, SessionLock lock, Waiting<SessionLock> waiter) {
	}

	/**
	 * One application instance with a client of its own: its lock manager (with a long lease,
	 * retaining locks for as long if told) and the store that uses its locks.
	 */
	private final class Instance {

		final LettuceConnectionFactory factory = newConnectionFactory();

		final RedisCalls calls = new RedisCalls(this.factory, Duration.ofSeconds(5));

		final RedisHeldLocks held = new RedisHeldLocks();

		final RedisSessionLockManager locks;

		final RedisSessionStore store;

		Instance(Duration retain) {
			RedisKeys keys = RedisClusterSubscriptionTests.this.keys;
			this.locks = new RedisSessionLockManager(this.calls, keys, this.held, LEASE, retain);
			this.store = new RedisSessionStore(this.calls, keys, Duration.ofMinutes(12), Clock.systemUTC(),
					this.held);
		}

		void close() {
			this.locks.close();
			this.factory.destroy();
		}

	}

}
