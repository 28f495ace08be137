package dev.sessionstarter.store.redis;

import java.time.Duration;
import java.util.List;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The settings a connection to a Cluster node made beside the Cluster client's takes from the
 * connection factory: a password alone (Redis's {@code requirepass}) or an ACL user's, the client
 * name, SSL and the timeout; the node's host and port. The end-to-end proof with a real Cluster
 * is {@code RedisClusterAclUserTests}.
 */
class ClusterNodeUrisTests {

	private static final RedisURI NODE = RedisURI.create("10.0.0.7", 7002);

	@Test
	void aPasswordAloneAndTheClientsSettings() {
		RedisClusterConfiguration cluster = new RedisClusterConfiguration(List.of("127.0.0.1:7000"));
		cluster.setPassword("secret");
		RedisURI uri = new ClusterNodeUris(new LettuceConnectionFactory(cluster,
				LettuceClientConfiguration.builder()
					.clientName("app")
					.useSsl()
					.and()
					.commandTimeout(Duration.ofSeconds(7))
					.build()))
			.of(NODE);
		assertThat(uri.getHost()).isEqualTo("10.0.0.7");
		assertThat(uri.getPort()).isEqualTo(7002);
		RedisCredentials credentials = uri.getCredentialsProvider().resolveCredentials().block();
		assertThat(credentials.hasUsername()).isFalse();
		assertThat(new String(credentials.getPassword())).isEqualTo("secret");
		assertThat(uri.getClientName()).isEqualTo("app");
		assertThat(uri.isSsl()).isTrue();
		assertThat(uri.getTimeout()).isEqualTo(Duration.ofSeconds(7));
	}

	@Test
	void anAclUser() {
		RedisClusterConfiguration cluster = new RedisClusterConfiguration(List.of("127.0.0.1:7000"));
		cluster.setUsername("app");
		cluster.setPassword("secret");
		RedisURI uri = new ClusterNodeUris(new LettuceConnectionFactory(cluster)).of(NODE);
		RedisCredentials credentials = uri.getCredentialsProvider().resolveCredentials().block();
		assertThat(credentials.getUsername()).isEqualTo("app");
		assertThat(new String(credentials.getPassword())).isEqualTo("secret");
		assertThat(uri.getClientName()).isNull();
		assertThat(uri.isSsl()).isFalse();
	}

	@Test
	void onlyTheFactoryOfACluster() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ClusterNodeUris(new LettuceConnectionFactory("127.0.0.1", 6379)));
	}

}
