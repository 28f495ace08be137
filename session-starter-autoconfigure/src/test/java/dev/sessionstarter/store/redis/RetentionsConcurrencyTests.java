package dev.sessionstarter.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.redis.RedisHeldLocks.Prefetched;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Retentions} and {@link LockRequests} under requests of this process that run at the same
 * time as the subscription is found deaf again and again ({@code RetainedLocks.missedRequests()}:
 * a connection loss counted, every lock handled as asked for) and as other instances ask for
 * locks. Each request does what {@link RetainedLocks} and {@link SessionWrites} do, in their
 * order: a lock taken from a trusted retention or by a lock call (retaining only while the
 * subscription listens, its mark read before), a save that reads what it may retain and the
 * connection count before it is sent, then the end. Whatever the interleaving: no lock is
 * trusted in this process while the subscription is deaf (a retention found trusted then, or a
 * lock taken without Redis), and no token is released twice.
 */
class RetentionsConcurrencyTests {

	private static final long RETAIN_MILLIS = 60_000;

	private static final int SESSIONS = 4;

	private static final int DEAFENINGS = 3_000;

	/**
	 * The requests that are to have run at least, so that they raced the deafenings.
	 */
	private static final long REQUESTS = 200_000;

	private final RedisHeldLocks heldLocks = new RedisHeldLocks();

	private final Map<String, String> releasedTokens = new ConcurrentHashMap<>();

	private final AtomicReference<String> releasedTwice = new AtomicReference<>();

	private final Retentions retentions = new Retentions(this.heldLocks, RETAIN_MILLIS, 30_000, this::released);

	private final AtomicBoolean listening = new AtomicBoolean(true);

	/**
	 * Odd while the subscription is deaf (after missedRequests, until it listens again).
	 */
	private final AtomicLong phase = new AtomicLong();

	private final AtomicReference<String> trustedWhileDeaf = new AtomicReference<>();

	private final AtomicLong tokens = new AtomicLong();

	private final AtomicLong requests = new AtomicLong();

	@Test
	@Disabled("Found a retention trusted while the subscription was deaf in 1 of 3 full CI runs on 2026-12-06: "
			+ "a suspected race between a request taking a retention and askedForAll's two passes, not yet fixed")
	void noLockIsTrustedWhileTheSubscriptionIsDeafNorReleasedTwice() throws Exception {
		AtomicBoolean stop = new AtomicBoolean();
		CountDownLatch done = new CountDownLatch(2);
		for (int i = 0; i < 2; i++) {
			Thread request = new Thread(() -> {
				try {
					while (!stop.get()) {
						request("session-" + ThreadLocalRandom.current().nextInt(SESSIONS));
					}
				}
				finally {
					done.countDown();
				}
			}, "request-" + i);
			request.start();
		}
		try {
			for (int i = 0; (i < DEAFENINGS || this.requests.get() < REQUESTS)
					&& this.trustedWhileDeaf.get() == null; i++) {
				// ReleasesSubscription.subscribeAgain: not listening, then missedRequests
				this.listening.set(false);
				this.heldLocks.connectionLost();
				this.retentions.requests().askedForAll();
				this.phase.incrementAndGet();
				checkNothingTrusted();
				this.retentions.requests().requested("session-" + (i % SESSIONS));
				checkNothingTrusted();
				this.phase.incrementAndGet();
				this.listening.set(true);
			}
		}
		finally {
			stop.set(true);
			assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(this.trustedWhileDeaf.get()).as("trusted while the subscription was deaf").isNull();
		assertThat(this.releasedTwice.get()).as("a token released twice").isNull();
	}

	private void checkNothingTrusted() {
		for (int id = 0; id < SESSIONS; id++) {
			Held taken = this.retentions.take("session-" + id);
			if (taken != null) {
				this.trustedWhileDeaf.compareAndSet(null, "session-" + id + " taken from its retention");
				this.retentions.end(taken);
			}
		}
	}

	/**
	 * One request of a session: take its lock, save, end.
	 */
	private void request(String id) {
		this.requests.incrementAndGet();
		long before = this.phase.get();
		Held lock = this.retentions.take(id);
		if (lock != null && before % 2 == 1 && this.phase.get() == before) {
			this.trustedWhileDeaf.compareAndSet(null, id + " taken by a request");
		}
		if (lock == null) {
			long mark = this.retentions.requests().beforeLockCall();
			long retain = this.listening.get() ? RETAIN_MILLIS : 0;
			byte[] token = ("t" + this.tokens.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
			lock = new Held(id, token, Prefetched.NONE, retain, null);
			this.retentions.requests().held(lock, mark);
		}
		long retainMillis = lock.retainMillis();
		long epoch = this.heldLocks.connectionEpoch();
		long sentAt = System.nanoTime();
		lock.written(true);
		SessionRecord saved = new SessionRecord(id, 0, 0, 1_800_000L, null, new String[0], new byte[0][], 1);
		if (retainMillis > 0) {
			lock.retainedBySave(sentAt, epoch, saved, null, Long.MIN_VALUE);
		}
		else {
			// the save released the lock in Redis
			lock.releasedBySave(saved.version());
			released(id, lock.token());
		}
		if (!this.retentions.end(lock) && !lock.isReleasedBySave()) {
			// the release the lock manager sends
			released(id, lock.token());
		}
	}

	private void released(String id, byte[] token) {
		String text = new String(token, StandardCharsets.UTF_8);
		if (this.releasedTokens.put(text, id) != null) {
			this.releasedTwice.compareAndSet(null, text);
		}
	}

}
