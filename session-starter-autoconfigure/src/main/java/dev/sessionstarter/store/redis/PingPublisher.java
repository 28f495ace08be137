package dev.sessionstarter.store.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;

/**
 * Publishes the pings of a {@link SubscriptionLiveness} check. Standalone Redis (or a Sentinel's
 * master) takes each on the command connection. A Cluster client sends a keyless {@code PUBLISH}
 * to one node of its choosing, which while that node is frozen answers none, though the
 * subscription may be on another node and hear every message: so on a Cluster each ping is
 * published on every master, each over the client's own connection to that node (asked for with
 * {@code getConnectionAsync}, which neither connects nor waits on the caller's thread, unlike
 * Lettuce's node selections, {@code masters()} and the like, which join a connection being made),
 * and it is taken once one master answered. A message published on any node reaches a
 * subscriber on every node over the cluster bus, so a subscription that hears none of a ping
 * some master took is deaf (its node frozen, say), and one on a live node hears it while any
 * other node is frozen. The publishes a frozen node does not answer wait on its connection
 * until Lettuce's command timeout: one or two a check.
 */
final class PingPublisher {

	private PingPublisher() {
	}

	/**
	 * Publish a ping.
	 * @param commands the commands of a call
	 * @param channel the ping channel
	 * @param body the ping's body
	 * @return completed once Redis (on a Cluster, one master) took the ping; completed
	 * exceptionally when it failed everywhere
	 */
	static CompletableFuture<Void> publish(RedisClusterAsyncCommands<byte[], byte[]> commands, byte[] channel,
			byte[] body) {
		if (!(commands instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster)) {
			return commands.publish(channel, body).toCompletableFuture().thenApply((receivers) -> null);
		}
		StatefulRedisClusterConnection<byte[], byte[]> connection = cluster.getStatefulConnection();
		List<String> masters = new ArrayList<>();
		for (RedisClusterNode node : connection.getPartitions()) {
			if (node.getRole().isUpstream()) {
				masters.add(node.getNodeId());
			}
		}
		CompletableFuture<Void> taken = new CompletableFuture<>();
		if (masters.isEmpty()) {
			taken.completeExceptionally(new IllegalStateException("No master is known"));
			return taken;
		}
		AtomicInteger failed = new AtomicInteger();
		for (String master : masters) {
			CompletableFuture<Long> published;
			try {
				published = connection.getConnectionAsync(master)
					.thenCompose((node) -> node.async().publish(channel, body));
			}
			catch (RuntimeException ex) {
				published = CompletableFuture.failedFuture(ex);
			}
			published.whenComplete((receivers, ex) -> {
				if (ex == null) {
					taken.complete(null);
				}
				else if (failed.incrementAndGet() == masters.size()) {
					taken.completeExceptionally(ex);
				}
			});
		}
		return taken;
	}

}
