package dev.sessionstarter.store.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.store.SessionChange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis request locks over a Redis Cluster of three masters: the lock, save and release scripts
 * touch one slot each, and a release published on one node wakes a waiter of another instance
 * before the holder's lease ends (a lease longer than the wait, so only the message can wake it).
 */
class RedisClusterLockTests {

	@RegisterExtension
	static final RedisCluster cluster = new RedisCluster();

	private final String namespace = "test-" + UUID.randomUUID();

	@Test
	void aSaveReleasesTheLockAndWakesAnotherInstancesWaiter() throws Exception {
		RedisCalls calls = new RedisCalls(cluster.connectionFactory(), Duration.ofSeconds(10));
		RedisKeys keys = new RedisKeys(this.namespace);
		RedisHeldLocks held = new RedisHeldLocks();
		RedisSessionStore store = new RedisSessionStore(calls, keys, Duration.ofMinutes(12), Clock.systemUTC(), held);
		try (RedisSessionLockManager one = new RedisSessionLockManager(calls, keys, held, Duration.ofMinutes(2));
				RedisSessionLockManager other = new RedisSessionLockManager(calls, keys, new RedisHeldLocks(),
						Duration.ofMinutes(2))) {
			store.save(change(true, "created"));
			SessionLock lock = one.tryLock("clustered", Duration.ZERO);
			assertThat(lock).isNotNull();
			assertThat(store.find("clustered")).as("answered by the lock").isNotNull();
			CompletableFuture<SessionLock> waiter = CompletableFuture.supplyAsync(() -> {
				try {
					return other.tryLock("clustered", Duration.ofSeconds(60));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
			});
			await().atMost(Duration.ofSeconds(30)).until(() -> other.localEntries() == 1);
			store.save(change(false, "saved"));
			SessionLock taken = waiter.get(60, TimeUnit.SECONDS);
			assertThat(taken).as("woken by the release the save published").isNotNull();
			lock.release();
			taken.release();
			assertThat(new String(store.find("clustered").attribute("a"))).isEqualTo("saved");
		}
	}

	@Test
	void aRetainedLockIsReleasedWhenAnotherInstanceAsksForIt() throws Exception {
		RedisCalls calls = new RedisCalls(cluster.connectionFactory(), Duration.ofSeconds(10));
		RedisKeys keys = new RedisKeys(this.namespace);
		RedisHeldLocks held = new RedisHeldLocks();
		RedisSessionStore store = new RedisSessionStore(calls, keys, Duration.ofMinutes(12), Clock.systemUTC(), held);
		try (RedisSessionLockManager one = new RedisSessionLockManager(calls, keys, held, Duration.ofMinutes(2),
				Duration.ofMinutes(2));
				RedisSessionLockManager other = new RedisSessionLockManager(calls, keys, new RedisHeldLocks(),
						Duration.ofMinutes(2), Duration.ofMinutes(2))) {
			store.save(change(true, "created"));
			try (SessionLock lock = one.tryLock("clustered", Duration.ZERO)) {
				store.find("clustered");
				store.save(change(false, "retained"));
			}
			assertThat(one.retained()).isOne();
			try (SessionLock taken = other.tryLock("clustered", Duration.ofSeconds(60))) {
				assertThat(taken).as("released when asked, long before the retention ends").isNotNull();
			}
			assertThat(new String(store.find("clustered").attribute("a"))).isEqualTo("retained");
		}
	}

	private static SessionChange change(boolean create, String value) {
		long now = System.currentTimeMillis();
		return new SessionChange("clustered", null, create, now, now, 1_800_000L, false, null,
				Map.of("a", value.getBytes()));
	}

}
