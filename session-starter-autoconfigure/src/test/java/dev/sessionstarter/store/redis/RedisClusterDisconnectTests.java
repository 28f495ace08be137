package dev.sessionstarter.store.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.store.SessionChange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connection losses that end the trust in retained locks on a Redis Cluster: the client's
 * connection state listener (which {@link RetainedLocks} registers on the Cluster client) hears
 * the loss of the connection to each node, not only to the first, so a retained lock of a session
 * of any node is no longer taken without asking Redis once the instance's connection to that node
 * dropped. Only command connections are dropped ({@code CLIENT KILL ID} of the clients that
 * subscribe to nothing), so the subscription's own recovery plays no part.
 */
class RedisClusterDisconnectTests {

	@RegisterExtension
	static final RedisCluster cluster = new RedisCluster();

	private final String namespace = "disconnect-" + UUID.randomUUID();

	private final RedisKeys keys = new RedisKeys(this.namespace);

	private final LettuceConnectionFactory factory = cluster.newConnectionFactory();

	private final RedisCalls calls = new RedisCalls(this.factory, Duration.ofSeconds(5));

	private final RedisHeldLocks held = new RedisHeldLocks();

	private final RedisSessionLockManager locks = new RedisSessionLockManager(this.calls, this.keys, this.held,
			Duration.ofMinutes(2), Duration.ofMinutes(2));

	private final RedisSessionStore store = new RedisSessionStore(this.calls, this.keys, Duration.ofMinutes(12),
			Clock.systemUTC(), this.held);

	@AfterEach
	void close() {
		this.locks.close();
		this.factory.destroy();
	}

	@Test
	void theLossOfTheConnectionToAnyNodeEndsTheTrustInRetainedLocks() throws Exception {
		AtomicInteger heard = new AtomicInteger();
		RedisClusterClient client = (RedisClusterClient) this.factory.getRequiredNativeClient();
		client.addListener(new RedisConnectionStateListener() {

			@Override
			public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
				heard.incrementAndGet();
			}

		});
		for (int port : cluster.ports()) {
			String id = sessionOn(client, port);
			retain(id);
			long trips = this.calls.roundTrips();
			try (SessionLock lock = this.locks.tryLock(id, Duration.ZERO)) {
				assertThat(this.calls.roundTrips()).as("trusted, taken without asking Redis").isEqualTo(trips);
			}
			int heardBefore = heard.get();
			long epoch = this.held.connectionEpoch();
			assertThat(dropCommandConnections(port)).as("connections to the node on " + port).isPositive();
			await().atMost(Duration.ofSeconds(30)).until(() -> heard.get() > heardBefore);
			await().atMost(Duration.ofSeconds(30)).until(() -> this.held.connectionEpoch() > epoch);
			long before = this.calls.roundTrips();
			try (SessionLock lock = this.locks.tryLock(id, Duration.ofSeconds(10))) {
				assertThat(lock).isNotNull();
				assertThat(this.calls.roundTrips()).as("no longer trusted: a lock call").isGreaterThan(before);
			}
		}
	}

	/**
	 * Leave a session's lock retained by this instance.
	 */
	private void retain(String id) throws InterruptedException {
		this.store.save(change(id, true));
		try (SessionLock lock = this.locks.tryLock(id, Duration.ofSeconds(10))) {
			this.store.find(id);
			this.store.save(change(id, false));
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> this.locks.retained() > 0);
	}

	/**
	 * Drop the connections of the clients of a node that subscribe to nothing.
	 * @return how many were dropped
	 */
	private static int dropCommandConnections(int port) {
		String node = Integer.toString(port);
		String[] clients = RedisServer.cli("-p", node, "client", "list").split("\n");
		return (int) Arrays.stream(clients)
			.filter((client) -> client.contains(" sub=0 ") && client.contains(" psub=0 ")
					&& !client.contains("cmd=client|list"))
			.map((client) -> client.replaceAll("^id=(\\d+) .*$", "$1").trim())
			.filter((clientId) -> RedisServer.cli("-p", node, "client", "kill", "id", clientId).trim().equals("1"))
			.count();
	}

	/**
	 * Return a session id whose slot the node on a port serves.
	 */
	private String sessionOn(RedisClusterClient client, int port) {
		for (int i = 0;; i++) {
			String id = "session-" + port + "-" + i;
			int slot = SlotHash.getSlot(this.keys.lock(id));
			if (client.getPartitions().getPartitionBySlot(slot).getUri().getPort() == port) {
				return id;
			}
		}
	}

	private static SessionChange change(String id, boolean create) {
		long now = System.currentTimeMillis();
		return new SessionChange(id, null, create, now, now, 1_800_000L, false, null, Map.of("a", "1".getBytes()));
	}

}
