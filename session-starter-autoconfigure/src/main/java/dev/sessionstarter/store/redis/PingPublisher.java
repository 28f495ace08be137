package dev.sessionstarter.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import org.jspecify.annotations.Nullable;

/**
 * Publishes the pings of a {@link SubscriptionLiveness} check. Standalone Redis (or a Sentinel's
 * master) takes each on the command connection. A Cluster client sends a keyless {@code PUBLISH}
 * to one node of its choosing, which while that node is frozen answers none, though the
 * subscription may be on another node and hear every message: so on a Cluster each ping is
 * published over the client's own connection to a master (asked for with
 * {@code getConnectionAsync}, which neither connects nor waits on the caller's thread, unlike
 * Lettuce's node selections, {@code masters()} and the like, which join a connection being made),
 * first to the master that took the ping before, and to every other master once that one failed
 * or half the deadline passed; it is taken once one master answered, which is tried first next
 * time. A message published on any node reaches a subscriber on every node over the cluster bus,
 * so a subscription that hears none of a ping some master took is deaf (its node frozen, say), and
 * one on a live node hears it while any other node is frozen. A frozen master is sent a ping only
 * when the one tried first did not take it: each ping sent to it waits in its connection (and
 * among the commands Lettuce waits answers for, timed out or not) until it goes on, so one a check
 * would pile up there for as long as it stays frozen.
 */
final class PingPublisher {

	/**
	 * The id of the master that took the last ping, set on the thread of its answer.
	 */
	private volatile @Nullable String preferred;

	/**
	 * Publish a ping.
	 * @param commands the commands of a call
	 * @param channel the ping channel
	 * @param body the ping's body
	 * @param timeout the deadline of the ping, half of which the master tried first has on a Cluster
	 * @return completed once Redis (on a Cluster, one master) took the ping; completed
	 * exceptionally when it failed everywhere
	 */
	CompletableFuture<Void> publish(RedisClusterAsyncCommands<byte[], byte[]> commands, byte[] channel, byte[] body,
			Duration timeout) {
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
		String first = this.preferred;
		boolean firstKnown = first != null && masters.remove(first);
		int count = masters.size() + (firstKnown ? 1 : 0);
		AtomicBoolean othersSent = new AtomicBoolean();
		Runnable others = () -> {
			if (!taken.isDone() && othersSent.compareAndSet(false, true)) {
				masters.forEach((master) -> publish(connection, master, channel, body, taken, failed, count));
			}
		};
		if (!firstKnown) {
			others.run();
			return taken;
		}
		publish(connection, first, channel, body, taken, failed, count).whenComplete((receivers, ex) -> {
			if (ex != null) {
				others.run();
			}
		});
		CompletableFuture.delayedExecutor(timeout.toNanos() / 2, TimeUnit.NANOSECONDS).execute(others);
		return taken;
	}

	private CompletableFuture<Long> publish(StatefulRedisClusterConnection<byte[], byte[]> connection, String master,
			byte[] channel, byte[] body, CompletableFuture<Void> taken, AtomicInteger failed, int count) {
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
				if (taken.complete(null)) {
					this.preferred = master;
				}
			}
			else if (failed.incrementAndGet() == count) {
				taken.completeExceptionally(ex);
			}
		});
		return published;
	}

}
