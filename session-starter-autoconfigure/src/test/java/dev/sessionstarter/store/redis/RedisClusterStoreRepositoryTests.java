package dev.sessionstarter.store.redis;

import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sessionstarter.store.SessionRepositoryContractTests;
import dev.sessionstarter.store.SessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository contract on the redis store over a Redis Cluster of three masters: no script
 * touches keys of two slots, and the indexes, spread over the nodes, still find every session.
 */
class RedisClusterStoreRepositoryTests extends SessionRepositoryContractTests {

	@RegisterExtension
	static final RedisCluster cluster = new RedisCluster();

	@Override
	protected SessionStore createStore(Clock clock) {
		return RedisStores.store(new RedisCalls(cluster.connectionFactory(), Duration.ofSeconds(5)), clock);
	}

	@Test
	void namesTheClusterNodesAsItsAddress() {
		String address = new RedisCalls(cluster.connectionFactory(), Duration.ofSeconds(1)).address();
		assertThat(address).startsWith("cluster ");
		cluster.nodes().forEach((node) -> assertThat(address).contains(node));
	}

	@Test
	void spreadsTheExpiryIndexOverEveryMaster() {
		for (int i = 0; i < 200; i++) {
			saved("n", i);
		}
		assertThat(storedSessions()).isEqualTo(200);
		assertThat(this.repository.purgeExpiredSessions()).isZero();
	}

}
