package dev.sessionstarter.store.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The connection of a {@link LockReleases} subscription: made when first needed, on a thread of
 * its own within the deadline of a call, then kept: a {@link SubscriptionLiveness liveness check}
 * that finds it deaf (or lost for good) drops it and subscribes again on a new connection, on the
 * check's thread, while waiters go on waiting. On a Redis Cluster it is made again on a node that
 * answers ({@link NodeSubscriptions}) within the deadline of a call, so that the check's thread is
 * never held longer, nor the subscription made again on a frozen node. From when it is found deaf
 * until it is made again it does not listen ({@link #isListening()}).
 */
final class ReleasesSubscription implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(LockReleases.class);

	private final RedisCalls calls;

	private final SubscriptionLiveness liveness;

	private final Supplier<AutoCloseable> first;

	private final Supplier<AutoCloseable> again;

	private final Runnable deafened;

	private final Object monitor = new Object();

	private volatile @Nullable AutoCloseable connection;

	private @Nullable CompletableFuture<AutoCloseable> subscribing;

	private volatile boolean subscribed;

	private volatile long resubscriptions;

	private boolean closed;

	/**
	 * Create the subscription, not made yet.
	 * @param calls how Redis is called
	 * @param liveness the liveness check, started once the subscription is made
	 * @param first makes the subscription and returns its connection
	 * @param again makes it again (on a Redis Cluster, on a node that answers within the deadline
	 * of a call) and returns its connection
	 * @param deafened called when it is found deaf (or lost for good), before it is made again
	 */
	ReleasesSubscription(RedisCalls calls, SubscriptionLiveness liveness, Supplier<AutoCloseable> first,
			Supplier<AutoCloseable> again, Runnable deafened) {
		this.calls = calls;
		this.liveness = liveness;
		this.first = first;
		this.again = again;
		this.deafened = deafened;
	}

	/** Whether the subscription was made (and, if found deaf since, is being made again). */
	boolean isSubscribed() {
		return this.subscribed;
	}

	/** Whether the subscription is made and was not found deaf since (nor is being made again). */
	boolean isListening() {
		return this.connection != null;
	}

	/** Return how many times the liveness check found the subscription deaf or lost and made it again. */
	long resubscriptions() {
		return this.resubscriptions;
	}

	/**
	 * Make the subscription unless made already, within the deadline of a call: it is made on a
	 * thread of its own, which a Redis that does not answer holds for Lettuce's timeouts.
	 * @return whether it was made now
	 */
	boolean subscribe() throws InterruptedException {
		if (this.subscribed) {
			return false;
		}
		CompletableFuture<AutoCloseable> pending;
		synchronized (this.monitor) {
			if (this.subscribed) {
				return false;
			}
			if (this.subscribing == null) {
				CompletableFuture<AutoCloseable> started = new CompletableFuture<>();
				Thread thread = new Thread(() -> subscribeNow(started, this.first),
						"redis-session-lock-subscription");
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

	private void subscribeNow(CompletableFuture<AutoCloseable> done, Supplier<AutoCloseable> maker) {
		AutoCloseable made;
		try {
			made = maker.get();
		}
		catch (RuntimeException ex) {
			synchronized (this.monitor) {
				this.subscribing = null;
			}
			done.completeExceptionally(ex);
			return;
		}
		synchronized (this.monitor) {
			this.subscribing = null;
			if (this.closed) {
				closeQuietly(made);
			}
			else {
				this.connection = made;
				if (!this.subscribed) {
					this.subscribed = true;
					this.liveness.start(() -> this.connection != null, this::subscribeAgain);
				}
			}
		}
		done.complete(made);
	}

	/**
	 * Drop the subscription's connection, if any, tell it was found deaf, and subscribe on a new
	 * one (on the liveness check's thread).
	 */
	private void subscribeAgain() {
		this.resubscriptions++;
		AutoCloseable dropped;
		synchronized (this.monitor) {
			dropped = this.connection;
			this.connection = null;
		}
		// not listening from here on: what is told now holds until subscribed again
		this.deafened.run();
		closeQuietly(dropped);
		CompletableFuture<AutoCloseable> done = new CompletableFuture<>();
		subscribeNow(done, this.again);
		done.whenComplete((made, ex) -> {
			if (ex != null) {
				logger.warn("Cannot subscribe again to released session locks at Redis at " + this.calls.address()
						+ " (tried again in " + SubscriptionLiveness.INTERVAL_MILLIS + " ms): " + ex.getMessage());
			}
		});
	}

	/**
	 * End the subscription and its liveness check.
	 */
	@Override
	public void close() {
		synchronized (this.monitor) {
			this.closed = true;
			closeQuietly(this.connection);
			this.connection = null;
		}
		// after closed is set: a subscription made meanwhile starts the check before, never after
		this.liveness.close();
	}

	static void closeQuietly(@Nullable AutoCloseable connection) {
		if (connection != null) {
			try {
				connection.close();
			}
			catch (Exception ex) {
				logger.debug("Could not close the subscription to released session locks", ex);
			}
		}
	}

}
