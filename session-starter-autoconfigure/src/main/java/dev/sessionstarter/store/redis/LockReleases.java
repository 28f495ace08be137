package dev.sessionstarter.store.redis;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
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
 * again and the instance handles every lock it retains or holds as asked for.
 */
final class LockReleases implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(LockReleases.class);

	private final RedisCalls calls;

	private final RedisKeys keys;

	private final LockWaiters waiters = new LockWaiters();

	private volatile byte @Nullable [] requestsChannel;

	private volatile @Nullable Consumer<String> requests;

	private volatile @Nullable Runnable missedRequests;

	private final Object subscriptionMonitor = new Object();

	private volatile @Nullable RedisConnection subscription;

	private @Nullable CompletableFuture<RedisConnection> subscribing;

	private boolean closed;

	LockReleases(RedisCalls calls, RedisKeys keys) {
		this.calls = calls;
		this.keys = keys;
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

	/**
	 * Whether the subscription is made.
	 */
	boolean isSubscribed() {
		return this.subscription != null;
	}

	/**
	 * Subscribe to released locks unless subscribed already, within the deadline of a call: the
	 * subscription is made on a thread of its own, which a Redis that does not answer holds for
	 * Lettuce's timeouts, not the request.
	 * @return whether it subscribed now, so that a lock released before is to be tried again
	 */
	boolean subscribe() throws InterruptedException {
		if (this.subscription != null) {
			return false;
		}
		CompletableFuture<RedisConnection> pending;
		synchronized (this.subscriptionMonitor) {
			if (this.subscription != null) {
				return false;
			}
			if (this.subscribing == null) {
				CompletableFuture<RedisConnection> started = new CompletableFuture<>();
				Thread thread = new Thread(() -> subscribeNow(started), "redis-session-lock-subscription");
				thread.setDaemon(true);
				thread.start();
				this.subscribing = started;
			}
			pending = this.subscribing;
		}
		try {
			pending.get(this.calls.timeout().toNanos(), TimeUnit.NANOSECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			throw new RedisUnavailableException(this.calls.address(), "Redis at " + this.calls.address()
					+ " did not answer the subscription to released session locks within "
					+ this.calls.timeout().toMillis() + " ms (sessions.redis.timeout)", ex);
		}
		catch (ExecutionException ex) {
			throw new RedisUnavailableException(this.calls.address(), "Cannot subscribe to released session "
					+ "locks at Redis at " + this.calls.address() + ": " + ex.getCause().getMessage(), ex.getCause());
		}
	}

	private void subscribeNow(CompletableFuture<RedisConnection> done) {
		RedisConnection connection = null;
		try {
			connection = this.calls.connectionFactory().getConnection();
			byte[] requestsChannel = this.requestsChannel;
			byte[][] channels = (requestsChannel != null) ? new byte[][] { this.keys.lockReleases(), requestsChannel }
					: new byte[][] { this.keys.lockReleases() };
			connection.subscribe(new SubscriptionEvents(this.keys.lockReleases(), this.waiters, requestsChannel,
					this.requests, this::resubscribed), channels);
		}
		catch (RuntimeException ex) {
			if (connection != null) {
				connection.close();
			}
			synchronized (this.subscriptionMonitor) {
				this.subscribing = null;
			}
			done.completeExceptionally(ex);
			return;
		}
		synchronized (this.subscriptionMonitor) {
			this.subscribing = null;
			if (this.closed) {
				connection.close();
			}
			else {
				this.subscription = connection;
			}
		}
		done.complete(connection);
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
		synchronized (this.subscriptionMonitor) {
			this.closed = true;
			RedisConnection connection = this.subscription;
			this.subscription = null;
			if (connection != null) {
				try {
					connection.close();
				}
				catch (RuntimeException ex) {
					logger.debug("Could not close the subscription to released session locks", ex);
				}
			}
		}
	}

}
