package dev.sessionstarter.store.redis;

import io.lettuce.core.cluster.RedisClusterClient;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;

/**
 * How the connection of a {@link LockReleases} subscription is made: first with Spring Data
 * Redis's connection factory, and again (after the {@link SubscriptionLiveness liveness check}
 * found it deaf) the same way, or on a Redis Cluster on a node that answers within the deadline
 * of a call ({@link NodeSubscriptions}).
 */
final class SubscriptionConnections implements AutoCloseable {

	private final RedisCalls calls;

	private @Nullable NodeSubscriptions nodes;

	private boolean closed;

	SubscriptionConnections(RedisCalls calls) {
		this.calls = calls;
	}

	/**
	 * Subscribe a connection of the factory.
	 * @param events the listener
	 * @param channels the channels
	 * @return the connection
	 */
	AutoCloseable first(SubscriptionEvents events, byte[][] channels) {
		RedisConnection made = this.calls.connectionFactory().getConnection();
		try {
			made.subscribe(events, channels);
			return made;
		}
		catch (RuntimeException ex) {
			ReleasesSubscription.closeQuietly(made);
			throw ex;
		}
	}

	/**
	 * Subscribe again: on a Redis Cluster on a node that answers, within the deadline of a call;
	 * elsewhere as {@link #first}.
	 * @param events the listener
	 * @param channels the channels
	 * @return the connection
	 */
	AutoCloseable again(SubscriptionEvents events, byte[][] channels) {
		NodeSubscriptions nodes;
		synchronized (this) {
			if (this.nodes == null && !this.closed
					&& this.calls.connectionFactory().getRequiredNativeClient() instanceof RedisClusterClient cluster) {
				this.nodes = new NodeSubscriptions(cluster, new ClusterNodeUris(this.calls.connectionFactory()),
						this.calls.address());
			}
			nodes = this.nodes;
		}
		return (nodes != null) ? nodes.subscribe(events, channels, this.calls.timeout()) : first(events, channels);
	}

	/**
	 * Close the connections made on Cluster nodes.
	 */
	@Override
	public void close() {
		NodeSubscriptions nodes;
		synchronized (this) {
			this.closed = true;
			nodes = this.nodes;
		}
		if (nodes != null) {
			nodes.close();
		}
	}

}
