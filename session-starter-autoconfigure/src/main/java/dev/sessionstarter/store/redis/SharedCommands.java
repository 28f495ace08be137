package dev.sessionstarter.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

import io.lettuce.core.RedisChannelHandler;
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
 * call's own when the factory shares none. The shared connection is made on a thread of its own,
 * which callers wait for within the deadline of a call: a Redis that accepts the connection and
 * answers nothing (a frozen process, or a frozen node of a Cluster whose topology Lettuce loads
 * at its first connection) holds that thread for Lettuce's timeouts
 * ({@code spring.data.redis.timeout}, 60 s unset), not the callers, which Spring Data Redis would
 * hold one after the other (it makes the shared connection under a lock).
 */
final class SharedCommands {

	private final LettuceConnectionFactory factory;

	private final Duration timeout;

	/**
	 * Makes the failure to throw when no connection can be had, given the operation and the cause.
	 */
	private final BiFunction<String, RuntimeException, RedisUnavailableException> cannotConnect;

	/**
	 * The factory's shared connection and its commands, once a call took them.
	 */
	private volatile @Nullable Shared shared;

	/**
	 * The shared connection being made, if any: what it completes with is {@code null} when the
	 * factory's connection has no commands to share.
	 */
	private @Nullable CompletableFuture<@Nullable Shared> connecting;

	/**
	 * The thread making the shared connection, if any.
	 */
	private @Nullable Thread connector;

	/**
	 * Whether the factory's connection turned out to have no commands to share: calls then take a
	 * connection of their own, without waiting on a thread that makes one to share.
	 */
	private volatile boolean unshareable;

	SharedCommands(LettuceConnectionFactory factory, Duration timeout,
			BiFunction<String, RuntimeException, RedisUnavailableException> cannotConnect) {
		this.factory = factory;
		this.timeout = timeout;
		this.cannotConnect = cannotConnect;
	}

	/**
	 * Return the commands of a call, to close after it.
	 * @param operation what the call does, for error messages
	 * @return the lease of the commands
	 */
	Lease lease(String operation) {
		Shared shared = this.shared;
		if (shared != null && !shared.released()) {
			return new Lease(shared.commands(), null);
		}
		if (this.factory.getShareNativeConnection() && !this.unshareable) {
			shared = awaitShared(operation);
			if (shared != null) {
				return new Lease(shared.commands(), null);
			}
		}
		RedisConnection connection;
		try {
			connection = this.factory.getConnection();
		}
		catch (RuntimeException ex) {
			throw this.cannotConnect.apply(operation, ex);
		}
		return new Lease(nativeCommands(connection), connection);
	}

	/**
	 * Wait for the shared connection within the deadline of a call, starting to make it unless
	 * that is under way.
	 */
	private @Nullable Shared awaitShared(String operation) {
		CompletableFuture<@Nullable Shared> pending;
		synchronized (this) {
			pending = this.connecting;
			if (pending == null) {
				CompletableFuture<@Nullable Shared> started = new CompletableFuture<>();
				Thread thread = new Thread(() -> connectShared(started), "redis-session-connect");
				thread.setDaemon(true);
				this.connecting = started;
				this.connector = thread;
				pending = started;
				thread.start();
			}
		}
		try {
			return pending.get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			throw this.cannotConnect.apply(operation, new IllegalStateException("no connection within "
					+ this.timeout.toMillis() + " ms (sessions.redis.timeout); still connecting", ex));
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			throw this.cannotConnect.apply(operation,
					(cause instanceof RuntimeException runtime) ? runtime : new IllegalStateException(cause));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw this.cannotConnect.apply(operation, new IllegalStateException("interrupted", ex));
		}
	}

	/**
	 * Give up making the shared connection, if under way: its thread is interrupted, which ends
	 * Lettuce's wait for a standalone Redis's handshake and so lets go of the connection
	 * factory's lock, which the factory's stop takes too (Spring Data Redis waits for a Cluster's
	 * connection without heed to interruption). A later call starts again.
	 */
	synchronized void stopConnecting() {
		if (this.connector != null) {
			this.connector.interrupt();
		}
	}

	private void connectShared(CompletableFuture<@Nullable Shared> done) {
		try {
			RedisConnection connection = this.factory.getConnection();
			RedisClusterAsyncCommands<byte[], byte[]> commands = nativeCommands(connection);
			StatefulConnection<?, ?> stateful = statefulConnection(commands);
			// closing the wrapper leaves the shared connection open
			connection.close();
			Shared made = (stateful != null) ? new Shared(commands, stateful) : null;
			this.shared = made;
			this.unshareable = (made == null);
			done.complete(made);
		}
		catch (RuntimeException ex) {
			done.completeExceptionally(ex);
		}
		finally {
			synchronized (this) {
				this.connecting = null;
				this.connector = null;
			}
		}
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

		/**
		 * Whether the connection is no longer the factory's to share: closed (the factory reset or
		 * stopped), or down for good. One that Lettuce reconnects is not open meanwhile, yet the
		 * factory gives it back as it is: making it again would cost every call of an outage a
		 * thread.
		 */
		boolean released() {
			if (this.connection.isOpen()) {
				return false;
			}
			if (this.connection instanceof RedisChannelHandler<?, ?> handler
					&& this.connection.getOptions().isAutoReconnect()) {
				return handler.isClosed();
			}
			return true;
		}

	}

}
