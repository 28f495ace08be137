package dev.sessionstarter.store.redis;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.sessionstarter.store.redis.SharedCommands.Lease;

/**
 * The liveness check of a {@link LockReleases} subscription: a connection that stays open but
 * hears nothing (a silent partition, a peer gone without a reset, a frozen Cluster node) is not
 * noticed by Lettuce, so every {@link #INTERVAL_MILLIS} this process publishes a ping on a channel
 * of its own, which its subscription also listens to, over its command connection, and the
 * subscription is to hear it within the deadline of a call ({@code sessions.redis.timeout}) of
 * Redis answering the publish. When it does not, a second ping is sent at once, and either heard
 * within its deadline says the subscription is only slow (so that a busy but live subscription
 * is not dropped, with every waiter woken and every retained lock given up, at each check); when
 * neither is heard, the subscription is deaf and is made again on a new connection
 * ({@code deaf}); a subscription that could not be made again, or whose connection Lettuce does
 * not reconnect (its {@code autoReconnect} off), is made again at the next check. A ping Redis
 * does not take in time says that Redis, not the subscription, is unreachable: calls fail then,
 * and nothing is done. On a Cluster the ping is published on a master, and on every other one
 * when that one does not take it, and taken once one answers ({@link PingPublisher}), so that a
 * frozen node the subscription is not on changes
 * nothing, and one it is on makes it deaf.
 * Spring Data Redis's {@code Subscription} offers no {@code PING} of the subscribed connection;
 * a publish checks more: that a message published in Redis reaches this subscription (on a
 * Cluster, across the cluster bus too).
 */
final class SubscriptionLiveness implements AutoCloseable {

	/**
	 * How long after a check ends the next begins: a publish with one receiver every few seconds
	 * costs Redis and the process next to nothing, and bounds how long a deaf subscription keeps
	 * a waiter waiting (this and a deadline, instead of the lease it saw, 30 s by default).
	 */
	static final long INTERVAL_MILLIS = 5_000;

	private static final Log logger = LogFactory.getLog(LockReleases.class);

	private final RedisCalls calls;

	private final byte[] channel;

	private final ScheduledExecutorService scheduler;

	private final PingPublisher publisher = new PingPublisher();

	private long sent;

	private volatile CompletableFuture<Void> pending = CompletableFuture.completedFuture(null);

	private volatile long expected = -1;

	private volatile long firstOfCheck = Long.MAX_VALUE;

	private volatile long checks;

	/**
	 * Create the check of a subscription, to be {@link #start started} once it is made.
	 * @param calls how Redis is called
	 * @param releasesChannel the channel of released locks, whose name the ping channel extends
	 */
	SubscriptionLiveness(RedisCalls calls, byte[] releasesChannel) {
		this.calls = calls;
		byte[] random = new byte[16];
		new SecureRandom().nextBytes(random);
		this.channel = SessionHash.bytes(SessionHash.string(releasesChannel) + ":ping:"
				+ HexFormat.of().formatHex(random));
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "redis-session-lock-subscription-liveness");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Return the channel of the pings, {@code <namespace>:lock-releases:ping:<random id>}, to
	 * subscribe to.
	 */
	byte[] channel() {
		return this.channel;
	}

	/**
	 * Start checking.
	 * @param subscribed whether a subscription is made (else {@code deaf} is run to make it)
	 * @param deaf drops the subscription and makes it again
	 */
	void start(BooleanSupplier subscribed, Runnable deaf) {
		this.scheduler.scheduleWithFixedDelay(() -> check(subscribed, deaf), INTERVAL_MILLIS, INTERVAL_MILLIS,
				TimeUnit.MILLISECONDS);
	}

	/**
	 * Take a ping the subscription heard, on its thread.
	 * @param body the ping's body
	 */
	void heard(byte[] body) {
		try {
			long ping = SessionHash.number(body);
			if (ping >= this.firstOfCheck && ping <= this.expected) {
				this.pending.complete(null);
			}
		}
		catch (NumberFormatException ex) {
			// not a ping of this process
		}
	}

	private void check(BooleanSupplier subscribed, Runnable deaf) {
		if (!this.calls.connectionFactory().isRunning()) {
			// the application's Redis client is stopped, and with it the subscription's connection: once it
			// is started again (a context stop and start, a checkpoint and restore), the ping is not heard
			// and the subscription is made again; this check ends with the LockReleases
			return;
		}
		try {
			if (!subscribed.getAsBoolean()) {
				deaf.run();
			}
			else if (!pingsHeard()) {
				logger.warn("The subscription to released session locks at Redis at " + this.calls.address()
						+ " heard nothing of two pings, each within " + this.calls.timeout().toMillis()
						+ " ms (sessions.redis.timeout): its connection is silent or lost "
						+ "for good; subscribing again on a new one");
				deaf.run();
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Could not check the subscription to released session locks", ex);
		}
		this.checks++;
	}

	/** Return how many checks ended (not those skipped while the client was stopped). */
	long checks() {
		return this.checks;
	}

	/**
	 * Publish a ping and wait for the subscription to hear it, and when it does not, a second
	 * one, either of which may then be heard.
	 * @return whether one was heard, or standalone Redis did not answer a publish in time
	 */
	private boolean pingsHeard() {
		this.firstOfCheck = this.sent + 1;
		return pingHeard() || pingHeard();
	}

	/**
	 * Publish a ping and wait for the subscription to hear it (or an earlier ping of this check).
	 * @return whether it was heard, or Redis did not take the ping in time
	 */
	private boolean pingHeard() {
		long ping = ++this.sent;
		CompletableFuture<Void> heard = new CompletableFuture<>();
		this.pending = heard;
		this.expected = ping;
		long timeoutNanos = this.calls.timeout().toNanos();
		try (Lease lease = this.calls.lease("ping the subscription")) {
			this.publisher.publish(lease.commands(), this.channel, SessionHash.number(ping), this.calls.timeout())
				.get(timeoutNanos, TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			logger.debug("Redis did not take a ping of the subscription to released session locks", ex);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return true;
		}
		try {
			heard.get(timeoutNanos, TimeUnit.NANOSECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (ExecutionException ex) {
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return true;
		}
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
	}

}
