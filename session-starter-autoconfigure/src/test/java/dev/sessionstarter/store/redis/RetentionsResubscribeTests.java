package dev.sessionstarter.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.sessionstarter.store.redis.RedisHeldLocks.Prefetched;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LockRequests#askedForAll()} (run by {@code RetainedLocks.missedRequests()} when
 * the subscription is made again): it looks at the held locks, then at the retentions, in two
 * passes. A lock call of this process that takes over one of its retained locks (no longer
 * trusted since the connection loss) and reaches {@link LockRequests#held} between the two passes
 * is in neither: its Retention is gone from the map before the second pass reaches it, and it was
 * not held at the first. The request for it that was missed during the outage is then never
 * handled: the lock is retained again (and trusted, its save being sent after the loss) while
 * another instance waits for it. The interleaving is forced through the real unlock callback
 * that the second pass calls for a retention it visits before the raced one.
 */
class RetentionsResubscribeTests {

	private static final long RETAIN_MILLIS = 60_000;

	private final RedisHeldLocks heldLocks = new RedisHeldLocks();

	private final List<String> unlocked = new ArrayList<>();

	private final AtomicReference<Runnable> duringUnlock = new AtomicReference<>();

	private final Retentions retentions = new Retentions(this.heldLocks, RETAIN_MILLIS, 30_000, (id, token) -> {
		this.unlocked.add(id);
		Runnable action = this.duringUnlock.getAndSet(null);
		if (action != null) {
			action.run();
		}
	});

	@Test
	void lockCallThatTakesOverARetainedLockDuringAskedForAllIsStillAskedFor() {
		String[] ids = idsInIterationOrder();
		String visitedFirst = ids[0];
		String raced = ids[1];
		retain(visitedFirst);
		retain(raced);
		// the subscription's connection is lost: another instance's request for `raced` is not heard
		this.heldLocks.connectionLost();
		// a request of this process for `raced` takes the lock over in Redis (a new token); its
		// lock call answers while the re-subscription's askedForAll runs
		Held taken = new Held(raced, bytes("new-token"), Prefetched.NONE, RETAIN_MILLIS, null);
		long mark = this.retentions.requests().beforeLockCall();
		this.duringUnlock.set(() -> this.retentions.requests().held(taken, mark));
		// Lettuce subscribed again: RetainedLocks.missedRequests()
		this.heldLocks.connectionLost();
		this.retentions.requests().askedForAll();
		assertThat(this.unlocked).as("the retention visited first was released").contains(visitedFirst);
		assertThat(taken.retainMillis())
			.as("the lock asked for during the outage is released at its request's end, not retained again")
			.isZero();
	}

	private void retain(String id) {
		byte[] token = bytes("token-" + id);
		long now = System.nanoTime();
		Retention retention = new Retention(token, now + TimeUnit.SECONDS.toNanos(30),
				now + TimeUnit.SECONDS.toNanos(60), this.heldLocks.connectionEpoch(), 1, null, Long.MIN_VALUE);
		Held lock = new Held(id, token, Prefetched.NONE, RETAIN_MILLIS, retention);
		this.retentions.requests().held(lock, this.retentions.requests().beforeLockCall());
		assertThat(this.retentions.end(lock)).isTrue();
	}

	/** Two ids in the order a fresh ConcurrentHashMap (as Retentions' states) iterates them. */
	private static String[] idsInIterationOrder() {
		ConcurrentHashMap<String, Object> map = new ConcurrentHashMap<>();
		map.put("session-a", 1);
		map.put("session-b", 1);
		return map.keySet().toArray(String[]::new);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
