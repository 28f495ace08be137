package dev.sessionstarter.store.redis;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.SubscriptionListener;

/**
 * The listener of one {@link LockReleases} subscription: it wakes the waiters of each released
 * lock, hands each request for a retained lock over, and tells when the subscription was made
 * again. Lettuce reconnects a subscription's connection that was
 * lost (a Redis restart, the failure of the Cluster node it was on: a Cluster client reconnects to
 * the next node of the cluster) and subscribes again, and Redis confirms every subscription, the
 * first and each one after a reconnection: a confirmation of the released-locks channel after the
 * first ends a time when messages were not heard; so does the confirmation of a subscription made
 * again on a new connection after the {@link SubscriptionLiveness liveness check} found the one
 * before deaf (the count of confirmations is the {@link LockReleases}', not one connection's). The
 * pings of that check are handed to it. Called on the connection's event loop thread.
 */
final class SubscriptionEvents implements MessageListener, SubscriptionListener {

	private final byte[] releasesChannel;

	private final LockWaiters waiters;

	private final byte @Nullable [] requestsChannel;

	private final @Nullable Consumer<String> requests;

	private final Runnable resubscribed;

	private final SubscriptionLiveness liveness;

	private final AtomicLong confirmations;

	/**
	 * Create the listener of a subscription.
	 * @param releasesChannel the channel of released locks ({@link RedisKeys#lockReleases()})
	 * @param waiters the waiters to wake
	 * @param requestsChannel the channel of requests for retained locks, or {@code null}
	 * @param requests called with the id of each session asked for, or {@code null}
	 * @param resubscribed called when the subscription was made again after its connection was lost
	 * @param liveness the liveness check, given the pings heard on its channel
	 * @param confirmations the count of confirmations of the released-locks channel, on every
	 * connection of the subscription
	 */
	SubscriptionEvents(byte[] releasesChannel, LockWaiters waiters, byte @Nullable [] requestsChannel,
			@Nullable Consumer<String> requests, Runnable resubscribed, SubscriptionLiveness liveness,
			AtomicLong confirmations) {
		this.releasesChannel = releasesChannel;
		this.waiters = waiters;
		this.requestsChannel = requestsChannel;
		this.requests = requests;
		this.resubscribed = resubscribed;
		this.liveness = liveness;
		this.confirmations = confirmations;
	}

	@Override
	public void onMessage(Message message, byte[] pattern) {
		if (Arrays.equals(message.getChannel(), this.liveness.channel())) {
			this.liveness.heard(message.getBody());
			return;
		}
		String sessionId = SessionHash.string(message.getBody());
		if (sessionId == null) {
			return;
		}
		if (this.requests != null && Arrays.equals(message.getChannel(), this.requestsChannel)) {
			this.requests.accept(sessionId);
			return;
		}
		this.waiters.wake(sessionId);
	}

	@Override
	public void onChannelSubscribed(byte[] channel, long count) {
		if (Arrays.equals(channel, this.releasesChannel) && this.confirmations.incrementAndGet() > 1) {
			this.resubscribed.run();
		}
	}

}
