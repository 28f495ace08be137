package dev.sessionstarter.store.redis;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

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
 * stays open but hears nothing is found by the {@link SubscriptionLiveness liveness check}: the
 * instance, which hears no request until subscribed again, handles every lock as asked for at
 * once, and the subscription is made again on a new connection ({@link SubscriptionConnections}),
 * handled the same; so is one Lettuce does not reconnect. Once made, the
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

	private final SubscriptionConnections connections;

	LockReleases(RedisCalls calls, RedisKeys keys) {
		this.calls = calls;
		this.keys = keys;
		this.liveness = new SubscriptionLiveness(calls, keys.lockReleases());
		this.connections = new SubscriptionConnections(calls);
		this.subscription = new ReleasesSubscription(calls, this.liveness,
				() -> this.connections.first(events(), channels()), () -> this.connections.again(events(), channels()),
				this::deafened);
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
	 * @param missed called when requests may have been missed or may not be heard: the
	 * subscription was made again after its connection was lost (on the subscription's thread),
	 * or found deaf (on the liveness check's thread, before it is made again)
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
	 * Whether the subscription is made and was not found deaf since: requests for retained locks
	 * are heard.
	 * @return {@code true} if it listens
	 */
	boolean isListening() {
		return this.subscription.isListening();
	}

	/**
	 * Return how many times the liveness check made the subscription again (or tried to).
	 * @return the number
	 */
	long resubscriptions() {
		return this.subscription.resubscriptions();
	}

	/**
	 * Return how many liveness checks of the subscription ended.
	 * @return the number
	 */
	long livenessChecks() {
		return this.liveness.checks();
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
	 * Handle the subscription found deaf: requests are not heard until it is made again, so
	 * every retained or held lock is handled as asked for now.
	 */
	private void deafened() {
		Runnable missed = this.missedRequests;
		try {
			if (missed != null) {
				missed.run();
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not give up the locks retained while the subscription is deaf", ex);
		}
	}

	/**
	 * End the subscription.
	 */
	@Override
	public void close() {
		this.subscription.close();
		this.connections.close();
	}

}
