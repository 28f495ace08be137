package dev.sessionstarter.store.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Lettuce commands {@link RedisCalls} are made with: those of the factory's shared
 * connection, taken once and kept while it is open (the factory's connection wrapper, made
 * afresh for every call, costs more than many a command), or those of a connection of the
 * call's own when the factory shares none.
 */
final class SharedCommands {

	private final LettuceConnectionFactory factory;

	/**
	 * Makes the failure to throw when no connection can be had, given the operation and the cause.
	 */
	private final BiFunction<String, RuntimeException, RedisUnavailableException> cannotConnect;

	/**
	 * The factory's shared connection and its commands, once a call took them.
	 */
	private volatile @Nullable Shared shared;

	SharedCommands(LettuceConnectionFactory factory,
			BiFunction<String, RuntimeException, RedisUnavailableException> cannotConnect) {
		this.factory = factory;
		this.cannotConnect = cannotConnect;
	}

	/**
	 * Return the commands of a call, to close after it.
	 * @param operation what the call does, for error messages
	 * @return the lease of the commands
	 */
	Lease lease(String operation) {
		Shared shared = this.shared;
		if (shared != null && shared.connection().isOpen()) {
			return new Lease(shared.commands(), null);
		}
		RedisConnection connection;
		try {
			connection = this.factory.getConnection();
		}
		catch (RuntimeException ex) {
			throw this.cannotConnect.apply(operation, ex);
		}
		RedisClusterAsyncCommands<byte[], byte[]> commands = nativeCommands(connection);
		StatefulConnection<?, ?> stateful = statefulConnection(commands);
		if (!this.factory.getShareNativeConnection() || stateful == null) {
			return new Lease(commands, connection);
		}
		// closing the wrapper leaves the shared connection open
		connection.close();
		this.shared = new Shared(commands, stateful);
		return new Lease(commands, null);
	}

	private static @Nullable StatefulConnection<?, ?> statefulConnection(
			RedisClusterAsyncCommands<byte[], byte[]> commands) {
		if (commands instanceof RedisAsyncCommands<byte[], byte[]> standalone) {
			return standalone.getStatefulConnection();
		}
		if (commands instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster) {
			return cluster.getStatefulConnection();
		}
		return null;
	}

	@SuppressWarnings("unchecked")
	private static RedisClusterAsyncCommands<byte[], byte[]> nativeCommands(RedisConnection connection) {
		return (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
	}

	/**
	 * Return the Redis address of a factory, as error messages name it.
	 * @param factory the factory
	 * @return {@code host:port}, or the nodes of a cluster or of the sentinels
	 */
	static String describe(LettuceConnectionFactory factory) {
		if (factory.isClusterAware()) {
			return "cluster " + nodes(factory.getClusterConfiguration().getClusterNodes());
		}
		if (factory.isRedisSentinelAware()) {
			return "sentinel master " + factory.getSentinelConfiguration().getMaster().getName() + " via "
					+ nodes(factory.getSentinelConfiguration().getSentinels());
		}
		if (factory.getSocketConfiguration() != null) {
			return factory.getSocketConfiguration().getSocket();
		}
		return factory.getHostName() + ":" + factory.getPort();
	}

	private static String nodes(Iterable<RedisNode> nodes) {
		List<String> names = new ArrayList<>();
		nodes.forEach((node) -> names.add(node.asString()));
		return names.stream().collect(Collectors.joining(","));
	}

	/**
	 * The commands a call is made with, and the connection of its own to close after it, if any.
	 */
	record Lease(RedisClusterAsyncCommands<byte[], byte[]> commands,
			@Nullable RedisConnection connection) implements AutoCloseable {

		@Override
		public void close() {
			if (this.connection != null) {
				this.connection.close();
			}
		}

	}

	/**
	 * The factory's shared connection and its commands.
	 */
	private record Shared(RedisClusterAsyncCommands<byte[], byte[]> commands, StatefulConnection<?, ?> connection) {
	}

}
