package dev.sessionstarter.store.redis;

import io.lettuce.core.DriverInfo;
import io.lettuce.core.RedisURI;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.util.RedisClientLibraryInfo;
import org.springframework.util.StringUtils;

/**
 * The address of a Redis Cluster node with every setting Spring Data Redis's connection factory
 * gives the addresses of its Cluster client ({@code spring.data.redis.*}: user and password or
 * credentials provider, client name, SSL, timeout), for a connection made to that node beside
 * the client's ({@link NodeSubscriptions}). The nodes the Cluster client knows carry no
 * credentials nor client name: their addresses are what the nodes report of each other, and the
 * client connects to them with its first address's settings, which are not public; a connection
 * made with them as they are is refused by a Redis that asks for a password.
 */
final class ClusterNodeUris {

	private final RedisClusterConfiguration cluster;

	private final LettuceClientConfiguration client;

	/**
	 * Take the settings of a connection factory to a Cluster.
	 * @param factory the factory
	 * @throws IllegalArgumentException when the factory is not one of a Cluster
	 */
	ClusterNodeUris(LettuceConnectionFactory factory) {
		RedisClusterConfiguration cluster = factory.getClusterConfiguration();
		if (cluster == null) {
			throw new IllegalArgumentException("Not the connection factory of a Redis Cluster");
		}
		this.cluster = cluster;
		this.client = factory.getClientConfiguration();
	}

	/**
	 * Return the address of a node with the factory's settings.
	 * @param node the node's address as the Cluster client knows it
	 * @return its host and port, with the settings of the factory's addresses
	 */
	RedisURI of(RedisURI node) {
		RedisURI.Builder builder = RedisURI.Builder.redis(node.getHost(), node.getPort());
		String username = this.cluster.getUsername();
		RedisPassword password = this.cluster.getPassword();
		if (StringUtils.hasText(username)) {
			builder.withAuthentication(username, new String(password.toOptional().orElse(new char[0])));
		}
		else {
			password.toOptional().ifPresent(builder::withPassword);
		}
		this.client.getRedisCredentialsProviderFactory()
			.ifPresent((factory) -> builder.withAuthentication(factory.createCredentialsProvider(this.cluster)));
		this.client.getClientName().ifPresent(builder::withClientName);
		return builder.withSsl(this.client.isUseSsl())
			.withVerifyPeer(this.client.getVerifyMode())
			.withStartTls(this.client.isStartTls())
			.withTimeout(this.client.getCommandTimeout())
			.withDriverInfo(DriverInfo.builder()
				.addUpstreamDriver(RedisClientLibraryInfo.FRAMEWORK_NAME, RedisClientLibraryInfo.getVersion())
				.build())
			.build();
	}

}
