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
 * {@code redis-cli --cluster create}; every server is stopped after the class. The masters serve
 * their slots while another is down ({@code cluster-require-full-coverage no}), so that a test can
 * kill one ({@link #kill(int)}) and go on with the others. A cluster whose servers want a user
 * or password is made with them ({@link #RedisCluster(List, List)}), and {@link #cli} passes them.
 */
public final class RedisCluster implements BeforeAllCallback, AfterAllCallback {

	private final List<RedisServer> servers = new ArrayList<>();

	private final List<String> serverOptions;

	private final List<String> cliAuthentication;

	private LettuceConnectionFactory connectionFactory;

	/**
	 * A cluster of servers with the options every test server has, open to any client.
	 */
	public RedisCluster() {
		this(List.of(), List.of());
	}

	/**
	 * A cluster of servers with more options, such as users ({@code --user app on >secret ~* &*
	 * +@all}) or a password ({@code --requirepass secret}).
	 * @param serverOptions the more options of every {@code redis-server}
	 * @param cliAuthentication the arguments of {@code redis-cli} that authenticate it, such as
	 * {@code --user app --pass secret}
	 */
	public RedisCluster(List<String> serverOptions, List<String> cliAuthentication) {
		this.serverOptions = List.copyOf(serverOptions);
		this.cliAuthentication = List.copyOf(cliAuthentication);
	}

	@Override
	public void beforeAll(ExtensionContext context) throws Exception {
		open();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		close();
	}

	/**
	 * Start the servers and make them a cluster.
	 * @throws Exception if a server cannot start
	 */
	void open() throws Exception {
		List<String> create = new ArrayList<>(List.of("--cluster", "create"));
		for (int i = 0; i < 3; i++) {
			List<String> options = new ArrayList<>(List.of("--cluster-enabled", "yes", "--cluster-node-timeout",
					"5000", "--cluster-require-full-coverage", "no"));
			options.addAll(this.serverOptions);
			RedisServer server = new RedisServer(options.toArray(new String[0]));
			this.servers.add(server);
			server.open();
			create.add("127.0.0.1:" + server.port());
		}
		create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
		create.addAll(this.cliAuthentication);
		RedisServer.cli(create.toArray(new String[0]));
		for (RedisServer server : this.servers) {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> cli(server.port(), "cluster", "info").contains("cluster_state:ok"));
		}
	}

	/**
	 * Run {@code redis-cli} on the master on a port, authenticated as the cluster was made.
	 * @param port its port
	 * @param arguments the command and its arguments
	 * @return what it printed
	 */
	public String cli(int port, String... arguments) {
		List<String> command = new ArrayList<>(List.of("-p", Integer.toString(port), "--no-auth-warning"));
		command.addAll(this.cliAuthentication);
		command.addAll(List.of(arguments));
		return RedisServer.cli(command.toArray(new String[0]));
	}

	/**
	 * Stop the connection factory and every server.
	 */
	void close() {
		if (this.connectionFactory != null) {
			this.connectionFactory.destroy();
			this.connectionFactory = null;
		}
		this.servers.forEach(RedisServer::close);
		this.servers.clear();
	}

	/**
	 * Kill the master on a port, as a failed node.
	 * @param port its port
	 */
	void kill(int port) {
		this.servers.stream().filter((server) -> server.port() == port).forEach(RedisServer::stop);
	}

	/**
	 * Freeze the master on a port ({@code SIGSTOP}): it keeps its connections and answers nothing.
	 * @param port its port
	 */
	public void pause(int port) {
		this.servers.stream().filter((server) -> server.port() == port).forEach(RedisServer::pause);
	}

	/**
	 * Let the master on a port go on after {@link #pause(int)}.
	 * @param port its port
	 */
	public void resume(int port) {
		this.servers.stream().filter((server) -> server.port() == port).forEach(RedisServer::resume);
	}

	/**
	 * Return the ports of the masters.
	 * @return the ports
	 */
	public List<Integer> ports() {
		return this.servers.stream().map(RedisServer::port).toList();
	}

	/**
	 * Return a started connection factory to the cluster, configured with its nodes as
	 * {@code spring.data.redis.cluster.nodes} would be.
	 * @return the factory
	 */
	public LettuceConnectionFactory connectionFactory() {
		if (this.connectionFactory == null) {
			this.connectionFactory = newConnectionFactory();
		}
		return this.connectionFactory;
	}

	/**
	 * Return a started connection factory to the cluster of its own (another instance's client),
	 * which the caller destroys.
	 * @return the factory
	 */
	public LettuceConnectionFactory newConnectionFactory() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisClusterConfiguration(nodes()));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/**
	 * Return the nodes, as {@code spring.data.redis.cluster.nodes} lists them.
	 * @return {@code host:port} of each master
	 */
	public List<String> nodes() {
		return this.servers.stream().map((server) -> "127.0.0.1:" + server.port()).toList();
	}

}
