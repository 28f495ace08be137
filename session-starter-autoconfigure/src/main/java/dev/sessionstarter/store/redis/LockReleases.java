package dev.sessionstarter.store.redis;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import io.lettuce.core.cluster.RedisClusterClient;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;

/**
 * The released request locks of a {@link RedisSessionLockManager}'s namespace, as Redis publishes
 * them ({@link RedisKeys#lockReleases()}), and the callers of this process that wait for one
 * ({@link LockWaiter}: the first request of a session in this process's queue, or a store write
 * refused because another instance retains the lock): one subscription, made when first needed,
 * wakes the waiters of each released id. An instance that retains locks takes the requests for
 * them on the same subscription ({@link #setRequests}).
 *
 * <p>A release or request published while the subscription's connection was lost was not heard:
 * when Lettuce has made the subscription again ({@link SubscriptionEvents}), every waiter tries
 * again and the instance handles every lock it retains or holds as asked for. A connection that
 * stays open but hears nothing is found by the {@link SubscriptionLiveness liveness check}, which
 * makes the subscription again on a new connection (on a Cluster, to a node that answers: {@link
 * NodeSubscriptions}), handled the same; so is one Lettuce does not reconnect. Once made, the
 * subscription is this object's to keep: a waiter never waits for it again, nor fails because it
 * is being made again (it waits for the lease it saw at most).
 */
final class LockReleases implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(LockReleases.class);

	private final RedisCalls calls;

	private final RedisKeys keys;

	private final LockWaiters waiters = new LockWaiters();

	private final SubscriptionLiveness liveness;

	private final AtomicLong confirmations = new AtomicLong();

	private volatile byte @Nullable [] requestsChannel;

	private volatile @Nullable Consumer<String> requests;

	private volatile @Nullable Runnable missedRequests;

	private final ReleasesSubscription subscription;

	private @Nullable NodeSubscriptions nodes;

	private boolean closed;

	LockReleases(RedisCalls calls, RedisKeys keys) {
		this.calls = calls;
		this.keys = keys;
		this.liveness = new SubscriptionLiveness(calls, keys.lockReleases());
		this.subscription = new ReleasesSubscription(calls, this.liveness, this::subscribeOn, this::subscribeOnNode);
	}

	/**
	 * Return a new waiter for a session's lock, woken when its release is published.
	 * @param sessionId the session id
	 * @return the waiter
	 */
	LockWaiter waiter(String sessionId) {
		return this.waiters.add(sessionId);
	}

	/**
	 * Forget a waiter that no longer waits.
	 * @param sessionId the session id
	 * @param waiter the waiter
	 */
	void remove(String sessionId, LockWaiter waiter) {
		this.waiters.remove(sessionId, waiter);
	}

	/**
	 * Take the requests for the locks this instance retains on its channel, from the
	 * subscription on (set before it is made).
	 * @param channel the channel ({@link RedisKeys#lockRequests(String)})
	 * @param handler called with the id of each session asked for, on the subscription's thread
	 * @param missed called when requests may have been missed (the subscription was made again
	 * after its connection was lost), on the subscription's thread
	 */
	void setRequests(byte[] channel, Consumer<String> handler, Runnable missed) {
		this.requestsChannel = channel;
		this.requests = handler;
		this.missedRequests = missed;
	}

	/** Whether the subscription was made (and, if found deaf since, is being made again). */
	boolean isSubscribed() {
		return this.subscription.isSubscribed();
	}

	/**
	 * Subscribe to released locks unless subscribed already, within the deadline of a call: the
	 * subscription is made on a thread of its own, which a Redis that does not answer holds for
	 * Lettuce's timeouts, not the request.
	 * @return whether it subscribed now, so that a lock released before is to be tried again
	 */
	boolean subscribe() throws InterruptedException {
		return this.subscription.subscribe();
	}

	private void subscribeOn(RedisConnection connection) {
		connection.subscribe(events(), channels());
	}

	/**
	 * Make the subscription again on a node of a Redis Cluster that answers, within the deadline
	 * of a call.
	 * @return its connection, or {@code null} when Redis is not a Cluster
	 */
	private @Nullable AutoCloseable subscribeOnNode() {
		NodeSubscriptions nodes;
		synchronized (this) {
			if (this.nodes == null && !this.closed
					&& this.calls.connectionFactory().getRequiredNativeClient() instanceof RedisClusterClient cluster) {
				this.nodes = new NodeSubscriptions(cluster, this.calls.address());
			}
			nodes = this.nodes;
		}
		return (nodes != null) ? nodes.subscribe(events(), channels(), this.calls.timeout()) : null;
	}

	private byte[][] channels() {
		byte[] requestsChannel = this.requestsChannel;
		return (requestsChannel != null)
				? new byte[][] { this.keys.lockReleases(), this.liveness.channel(), requestsChannel }
				: new byte[][] { this.keys.lockReleases(), this.liveness.channel() };
	}

	private SubscriptionEvents events() {
		return new SubscriptionEvents(this.keys.lockReleases(), this.waiters, this.requestsChannel, this.requests,
				this::resubscribed, this.liveness, this.confirmations);
	}

	/**
	 * Handle the subscription made again after its connection was lost: what was published
	 * meanwhile was not heard, so every waiter tries again and every request may have been missed.
	 */
	private void resubscribed() {
		logger.info("Subscribed again to released session locks at Redis at " + this.calls.address()
				+ " after the subscription's connection was lost; waiters try again");
		this.waiters.wakeAll();
		Runnable missed = this.missedRequests;
		if (missed != null) {
			missed.run();
		}
	}

	/**
	 * End the subscription.
	 */
	@Override
	public void close() {
		this.subscription.close();
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
