package dev.sessionstarter.store.redis;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.event.connection.ConnectionDeactivatedEvent;
import io.lettuce.core.event.connection.DisconnectedEvent;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * The side of a {@link RedisSessionLockManager} that retains locks between requests
 * ({@link Retentions}): it takes the requests for them on the manager's subscription, and stops
 * trusting every retained lock when Lettuce reports a connection of the client lost (a Redis
 * restart loses the locks; the subscription's loss, the requests for them): at once, on the
 * connection's own event loop thread, as its channel goes inactive, and again when the event bus
 * (which hands events over later, and may drop some) delivers the event. Requests sent while the
 * subscription's connection was lost were not heard: once it is made again, every lock retained
 * or held is handled as asked for ({@link #missedRequests()}); so is every one at once when the
 * {@link SubscriptionLiveness liveness check} finds the subscription deaf, and none is retained
 * from then until it is made again.
 */
final class RetainedLocks implements AutoCloseable {

	private final LockCalls lockCalls;

	private final Retentions retentions;

	private final RedisHeldLocks heldLocks;

	private final long retainMillis;

	private final Disposable connectionEvents;

	private final AbstractRedisClient client;

	private final RedisConnectionStateListener disconnections;

	private final Duration timeout;

	RetainedLocks(RedisCalls calls, RedisKeys keys, RedisHeldLocks heldLocks, LockCalls lockCalls,
			long retainMillis) {
		this.lockCalls = lockCalls;
		this.heldLocks = heldLocks;
		this.retainMillis = retainMillis;
		this.timeout = calls.timeout();
		this.retentions = new Retentions(heldLocks, retainMillis, lockCalls.leaseMillis(),
				(id, token) -> lockCalls.unlock(id, token, false));
		this.client = calls.connectionFactory().getRequiredNativeClient();
		this.disconnections = new RedisConnectionStateListener() {

			@Override
			public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
				heldLocks.connectionLost();
			}

		};
		this.client.addListener(this.disconnections);
		this.connectionEvents = this.client.getResources().eventBus()
			.get()
			.filter((event) -> event instanceof ConnectionDeactivatedEvent || event instanceof DisconnectedEvent)
			.subscribe((event) -> heldLocks.connectionLost());
		lockCalls.releases().setRequests(keys.lockRequests(lockCalls.instance()),
				this.retentions.requests()::requested, this::missedRequests);
		subscribe();
	}

	/**
	 * Take a session's retained lock without asking Redis, if it is trusted.
	 * @param sessionId the session id
	 * @return the lock, held, or {@code null}
	 */
	@Nullable Held take(String sessionId) {
		return this.retentions.take(sessionId);
	}

	/**
	 * Take a session's lock in Redis (taking over a retained one of this process's it no longer
	 * trusts), to be retained by its saves if other instances can ask for it.
	 * @param sessionId the session id
	 * @param deadline the deadline, as {@link System#nanoTime()}
	 * @return the lock, held, or {@code null} if the deadline passed
	 */
	@Nullable Held acquire(String sessionId, long deadline) throws InterruptedException {
		// the mark before: a subscription found deaf after it was seen listening asks for this lock too
		long mark = this.retentions.requests().beforeLockCall();
		long retainMillis = subscribe() ? this.retainMillis : 0;
		Held lock = this.lockCalls.acquire(sessionId, deadline, retainMillis);
		if (lock != null) {
			this.retentions.requests().held(lock, mark);
		}
		return lock;
	}

	/**
	 * End a request's lock: retain it, or tell the caller to release it.
	 * @param lock the lock
	 * @return whether it is retained
	 */
	boolean end(Held lock) {
		return this.retentions.end(lock);
	}

	void prune() {
		this.retentions.prune();
	}

	int size() {
		return this.retentions.size();
	}

	/**
	 * Release every retained lock, so that other instances need not wait for their end, waiting
	 * for the answers at most the deadline of a call; then stop listening to connection events.
	 */
	@Override
	public void close() {
		Map<String, byte[]> tokens = this.retentions.releaseAll();
		CountDownLatch released = new CountDownLatch(tokens.size());
		tokens.forEach((id, token) -> this.lockCalls.unlock(id, token, false, released::countDown));
		try {
			released.await(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.connectionEvents.dispose();
		this.client.removeListener(this.disconnections);
	}

	/**
	 * Handle the requests for locks this process retains or holds that may have been missed
	 * (the subscription was made again after its connection was lost) or may not be heard (it was
	 * found deaf): end the trust in every retained lock, and handle each as asked for.
	 */
	private void missedRequests() {
		this.heldLocks.connectionLost();
		this.retentions.requests().askedForAll();
	}

	/**
	 * Subscribe to requests for retained locks unless subscribed: a lock is retained only while
	 * other instances can ask for it, not while the subscription, found deaf, is made again.
	 * @return whether subscribed and listening
	 */
	private boolean subscribe() {
		LockReleases releases = this.lockCalls.releases();
		if (!releases.isSubscribed()) {
			try {
				releases.subscribe();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
			catch (RuntimeException ex) {
				return false;
			}
		}
		return releases.isListening();
	}

}
