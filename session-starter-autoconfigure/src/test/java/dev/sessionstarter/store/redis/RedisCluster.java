package dev.sessionstarter.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.awaitility.Awaitility.await;

/**
 * A Redis Cluster of three masters on loopback ports for the tests of a class, made with
 * {@code redis-cli --cluster create}; every server is stopped after the class.
 */
public final class RedisCluster implements BeforeAllCallback, AfterAllCallback {

	private final List<RedisServer> servers = new ArrayList<>();

	private LettuceConnectionFactory connectionFactory;

	@Override
	public void beforeAll(ExtensionContext context) throws Exception {
		List<String> create = new ArrayList<>(List.of("--cluster", "create"));
		for (int i = 0; i < 3; i++) {
			RedisServer server = new RedisServer("--cluster-enabled", "yes", "--cluster-node-timeout", "5000");
			this.servers.add(server);
			server.open();
			create.add("127.0.0.1:" + server.port());
		}
		create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
		RedisServer.cli(create.toArray(new String[0]));
		for (RedisServer server : this.servers) {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> RedisServer.cli("-p", Integer.toString(server.port()), "cluster", "info")
					.contains("cluster_state:ok"));
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.connectionFactory != null) {
			this.connectionFactory.destroy();
		}
		this.servers.forEach(RedisServer::close);
	}

	/**
	 * Return a started connection factory to the cluster, configured with its nodes as
	 * {@code spring.data.redis.cluster.nodes} would be.
	 * @return the factory
	 */
	public LettuceConnectionFactory connectionFactory() {
		if (this.connectionFactory == null) {
			LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisClusterConfiguration(nodes()));
			factory.afterPropertiesSet();
			factory.start();
			this.connectionFactory = factory;
		}
		return this.connectionFactory;
	}

	/**
	 * Return the nodes, as {@code spring.data.redis.cluster.nodes} lists them.
	 * @return {@code host:port} of each master
	 */
	public List<String> nodes() {
		return this.servers.stream().map((server) -> "127.0.0.1:" + server.port()).toList();
	}

}
