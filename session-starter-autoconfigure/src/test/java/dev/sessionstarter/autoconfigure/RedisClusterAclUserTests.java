package dev.sessionstarter.autoconfigure;

import java.util.UUID;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.redis.RedisCluster;
import dev.sessionstarter.store.redis.RedisKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code redis} store and lock manager on a Redis Cluster of three masters that only an ACL
 * user may use ({@code spring.data.redis.username} and {@code password}), with a client name.
 * The node of the lock subscription is frozen: the subscription is made again on another node
 * over a connection of the lock manager's own (not the Cluster client's), which is to
 * authenticate and be named as Spring Boot's connections are, and hear the next release.
 */
class RedisClusterAclUserTests {

	@RegisterExtension
	static final RedisCluster cluster = new RedisCluster(AclRedis.SERVER_OPTIONS, AclRedis.CLI_AUTHENTICATION);

	private final String namespace = "acl-" + UUID.randomUUID();

	private final RedisKeys keys = new RedisKeys(this.namespace);

	private final WebApplicationContextRunner instance = RedisApplications.runner()
		.withPropertyValues("sessions.store=redis", "sessions.redis.namespace=" + this.namespace,
				"sessions.redis.lock-lease=" + AclRedis.LEASE.toSeconds() + "s",
				"spring.data.redis.cluster.nodes=" + String.join(",", cluster.nodes()))
		.withPropertyValues(AclRedis.PROPERTIES);

	@Test
	void aSubscriptionMadeAgainOnAnotherNodeIsTheUsersAndNamed() {
		this.instance.run((one) -> this.instance.run((two) -> {
			StoredSession session = one.getBean(StoreSessionRepository.class).createSession();
			one.getBean(StoreSessionRepository.class).save(session);
			assertThat(two.getBean(StoreSessionRepository.class).findById(session.getId())).isNotNull();
			SessionLockManager holder = one.getBean(SessionLockManager.class);
			SessionLockManager waiter = two.getBean(SessionLockManager.class);
			AclRedis.releaseWakesAWaiter(holder, waiter, "first", () -> await().atMost(AclRedis.WAIT)
				.until(() -> subscribedNodeOtherThan(0) != 0));
			int frozen = subscribedNodeOtherThan(0);
			AclRedis.assertClientsNamedAndOfTheUser(cluster.cli(frozen, "client", "list"));
			cluster.pause(frozen);
			try {
				int again = await().atMost(AclRedis.WAIT.multipliedBy(2))
					.until(() -> subscribedNodeOtherThan(frozen), (port) -> port != 0);
				AclRedis.assertClientsNamedAndOfTheUser(cluster.cli(again, "client", "list"));
				AclRedis.releaseWakesAWaiter(holder, waiter, sessionNotOn(one, frozen), () -> {
				});
			}
			finally {
				cluster.resume(frozen);
			}
		}));
	}

	/**
	 * Return the port of a node, other than one not to be asked (frozen), that the subscription
	 * to released locks is on, or 0.
	 */
	private int subscribedNodeOtherThan(int frozen) {
		String channel = new String(this.keys.lockReleases());
		return cluster.ports()
			.stream()
			.filter((port) -> port != frozen && cluster.cli(port, "pubsub", "numsub", channel).trim().endsWith("\n1"))
			.findFirst()
			.orElse(0);
	}

	/**
	 * Return a session id whose lock is served by another node than the one on a port.
	 */
	private String sessionNotOn(ApplicationContext context, int port) {
		RedisClusterClient client = (RedisClusterClient) context.getBean(LettuceConnectionFactory.class)
			.getRequiredNativeClient();
		for (int i = 0;; i++) {
			String id = "session-" + i;
			int slot = SlotHash.getSlot(this.keys.lock(id));
			if (client.getPartitions().getPartitionBySlot(slot).getUri().getPort() != port) {
				return id;
			}
		}
	}

}
