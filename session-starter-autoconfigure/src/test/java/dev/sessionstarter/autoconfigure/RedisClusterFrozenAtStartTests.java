package dev.sessionstarter.autoconfigure;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.redis.RedisCluster;
import dev.sessionstarter.store.redis.RedisKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of the {@code redis} store and lock manager started on a Redis Cluster of three
 * masters while the first node of {@code spring.data.redis.cluster.nodes} is frozen
 * ({@code SIGSTOP}: it accepts connections and answers nothing). Lettuce's Cluster client loads the
 * topology from every node at its first connection, and waits for the frozen one's handshake for
 * its command timeout ({@code spring.data.redis.timeout}, here 5 s; 60 s unset): startup waits for
 * it at most {@code sessions.redis.timeout}, calls fail until it is loaded, then the locks of the
 * other masters' slots work while the node stays frozen (a waiter is woken by the release notice,
 * the subscription being on a live node), and those of its slots, and sessions, once it goes on.
 * The bound of each wait is far above what it takes, so only a hang reaches it.
 */
class RedisClusterFrozenAtStartTests {

	@RegisterExtension
	static final RedisCluster cluster = new RedisCluster();

	private static final Duration HANG = Duration.ofMinutes(3);

	private final String namespace = "frozen-" + UUID.randomUUID();

	private final RedisKeys keys = new RedisKeys(this.namespace);

	private final WebApplicationContextRunner instance = RedisApplications.runner()
		.withPropertyValues("sessions.store=redis", "sessions.redis.namespace=" + this.namespace,
				"sessions.redis.lock-lease=" + AclRedis.LEASE.toSeconds() + "s", "spring.data.redis.timeout=5s",
				"spring.data.redis.cluster.nodes=" + String.join(",", cluster.nodes()));

	@Test
	void startsWhileANodeIsFrozenAndRecoversOnceItGoesOn() throws Exception {
		int frozen = cluster.ports().get(0);
		cluster.pause(frozen);
		CompletableFuture<Void> run = CompletableFuture.runAsync(() -> this.instance.run((one) -> this.instance
			.run((two) -> {
				assertThat(one).hasNotFailed();
				assertThat(two).hasNotFailed();
				SessionLockManager holder = one.getBean(SessionLockManager.class);
				SessionLockManager waiter = two.getBean(SessionLockManager.class);
				// a lock's keys are all in its session's slot (a save's indexes may be on the frozen node)
				String live = sessionServedBy(frozen, false);
				awaitLockable(holder, live);
				awaitLockable(waiter, live);
				AclRedis.releaseWakesAWaiter(holder, waiter, live, () -> {
				});
				cluster.resume(frozen);
				String resumed = sessionServedBy(frozen, true);
				awaitLockable(holder, resumed);
				AclRedis.releaseWakesAWaiter(holder, waiter, resumed, () -> {
				});
				StoreSessionRepository repository = one.getBean(StoreSessionRepository.class);
				StoredSession session = repository.createSession();
				await().atMost(AclRedis.WAIT).ignoreExceptions().untilAsserted(() -> repository.save(session));
				assertThat(two.getBean(StoreSessionRepository.class).findById(session.getId())).isNotNull();
			})));
		try {
			run.get(HANG.toSeconds(), TimeUnit.SECONDS);
		}
		finally {
			cluster.resume(frozen);
		}
	}

	/**
	 * Wait until an instance takes a session's lock (its connection made, the topology loaded).
	 */
	private static void awaitLockable(SessionLockManager locks, String sessionId) {
		await().atMost(AclRedis.WAIT).ignoreExceptions().until(() -> {
			SessionLock lock = locks.tryLock(sessionId, Duration.ZERO);
			if (lock != null) {
				lock.release();
			}
			return lock != null;
		});
	}

	/**
	 * Return a session id whose lock key's slot the master on a port serves, or does not.
	 */
	private String sessionServedBy(int port, boolean served) {
		for (int i = 0;; i++) {
			String id = "session-" + i;
			if (serves(port, this.keys.lock(id)) == served) {
				return id;
			}
		}
	}

	/**
	 * Whether the master on a port serves the slot of a key, as {@code CLUSTER NODES} of another
	 * (live) master tells.
	 */
	private static boolean serves(int port, byte[] key) {
		int live = cluster.ports().stream().filter((other) -> other != port).findFirst().orElseThrow();
		String line = cluster.cli(live, "cluster", "nodes")
			.lines()
			.filter((node) -> node.contains(":" + port + "@"))
			.findFirst()
			.orElseThrow();
		int slot = SlotHash.getSlot(key);
		String[] fields = line.split(" ");
		for (int i = 8; i < fields.length; i++) {
			String[] range = fields[i].split("-");
			int from = Integer.parseInt(range[0].trim());
			int to = (range.length > 1) ? Integer.parseInt(range[1].trim()) : from;
			if (slot >= from && slot <= to) {
				return true;
			}
		}
		return false;
	}

}
