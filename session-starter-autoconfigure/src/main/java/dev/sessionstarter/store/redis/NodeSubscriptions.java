package dev.sessionstarter.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.jspecify.annotations.Nullable;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.data.redis.connection.DefaultMessage;

/**
 * Subscriptions made again on a Redis Cluster, each on a node that answers within the deadline
 * of a call. The Cluster client's own pub/sub connection goes to the first node of its order
 * every time, a frozen node too (it accepts the connection and answers nothing, so the
 * subscription hangs for the client's command timeout): instead a connection is opened to every
 * node at once, but to the node of the subscription made here before when there are others, and
 * the first whose handshake Redis answers is subscribed; the others are closed. A message
 * published on any node reaches a subscriber on every node, over the cluster bus. The
 * connections are made by a client of this object's own, with the Cluster client's resources
 * and options, to the nodes the Cluster client knows, with the settings of the connection
 * factory's addresses ({@link ClusterNodeUris}: credentials, client name, SSL). When no node
 * answered in time, the error says why those that did refused, a wrong password say.
 */
final class NodeSubscriptions implements AutoCloseable {

	private final RedisClusterClient cluster;

	private final ClusterNodeUris uris;

	private final String address;

	private @Nullable RedisClient client;

	private @Nullable RedisURI last;

	private boolean closed;

	/**
	 * Create the subscriptions of a Cluster.
	 * @param cluster the Cluster client, of the nodes and their addresses
	 * @param uris the settings of a connection to a node
	 * @param address the address of the Cluster, as error messages name it
	 */
	NodeSubscriptions(RedisClusterClient cluster, ClusterNodeUris uris, String address) {
		this.cluster = cluster;
		this.uris = uris;
		this.address = address;
	}

	/**
	 * Subscribe on a node that answers, within a deadline.
	 * @param events the listener of the subscription
	 * @param channels the channels
	 * @param timeout the deadline of the whole
	 * @return the subscribed connection
	 * @throws RedisUnavailableException when no node answered in time, or the subscription failed
	 */
	StatefulRedisPubSubConnection<byte[], byte[]> subscribe(SubscriptionEvents events, byte[][] channels,
			Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		AtomicReference<@Nullable Throwable> refused = new AtomicReference<>();
		CompletableFuture<Subscribed> first = connectToFirstAnswering(refused);
		StatefulRedisPubSubConnection<byte[], byte[]> connection = null;
		try {
			Subscribed made = first.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
			connection = made.connection();
			connection.addListener(new Listener(events));
			connection.async().subscribe(channels).get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
			synchronized (this) {
				this.last = made.uri();
			}
			return connection;
		}
		catch (TimeoutException | ExecutionException | InterruptedException | RuntimeException ex) {
			first.cancel(false);
			if (connection != null) {
				connection.closeAsync();
			}
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			String reason = (ex instanceof TimeoutException) ? "no node answered within " + timeout.toMillis()
					+ " ms (sessions.redis.timeout)" + refusal(refused.get()) : String.valueOf(ex.getMessage());
			throw new RedisUnavailableException(this.address, "Cannot subscribe on a node of the Redis Cluster at "
					+ this.address + ": " + reason, ex);
		}
	}

	private static String refusal(@Nullable Throwable refused) {
		if (refused == null) {
			return "";
		}
		return "; a node refused the connection: " + NestedExceptionUtils.getMostSpecificCause(refused).getMessage();
	}

	/**
	 * Open a connection to every node (but the last one subscribed on, when there are others):
	 * the first made completes the future, any other is closed; a refusal is kept.
	 */
	private CompletableFuture<Subscribed> connectToFirstAnswering(AtomicReference<@Nullable Throwable> refused) {
		RedisClient client = client();
		List<RedisURI> nodes = new ArrayList<>();
		for (RedisClusterNode node : this.cluster.getPartitions()) {
			nodes.add(this.uris.of(node.getUri()));
		}
		synchronized (this) {
			if (nodes.size() > 1) {
				nodes.removeIf((uri) -> uri.equals(this.last));
			}
		}
		CompletableFuture<Subscribed> first = new CompletableFuture<>();
		AtomicInteger failed = new AtomicInteger();
		for (RedisURI uri : nodes) {
			client.connectPubSubAsync(ByteArrayCodec.INSTANCE, uri).whenComplete((connection, ex) -> {
				if (connection == null) {
					refused.set(ex);
					if (failed.incrementAndGet() == nodes.size()) {
						first.completeExceptionally(ex);
					}
				}
				else if (!first.complete(new Subscribed(uri, connection))) {
					connection.closeAsync();
				}
			});
		}
		return first;
	}

	private synchronized RedisClient client() {
		if (this.closed) {
			throw new IllegalStateException("Closed");
		}
		if (this.client == null) {
			// shared resources: shutting this client down leaves the Cluster client's alone
			RedisClient created = RedisClient.create(this.cluster.getResources());
			created.setOptions(this.cluster.getOptions());
			this.client = created;
		}
		return this.client;
	}

	/**
	 * Close every connection made here, a handshake still pending too.
	 */
	@Override
	public void close() {
		RedisClient client;
		synchronized (this) {
			this.closed = true;
			client = this.client;
		}
		if (client != null) {
			client.shutdownAsync(0, 2, TimeUnit.SECONDS);
		}
	}

	private record Subscribed(RedisURI uri, StatefulRedisPubSubConnection<byte[], byte[]> connection) {
	}

	/**
	 * Hands the messages and confirmations of a node's connection to the subscription's listener.
	 */
	private static final class Listener extends RedisPubSubAdapter<byte[], byte[]> {

		private final SubscriptionEvents events;

		Listener(SubscriptionEvents events) {
			this.events = events;
		}

		@Override
		public void message(byte[] channel, byte[] message) {
			this.events.onMessage(new DefaultMessage(channel, message), null);
		}

		@Override
		public void subscribed(byte[] channel, long count) {
			this.events.onChannelSubscribed(channel, count);
		}

	}

}
