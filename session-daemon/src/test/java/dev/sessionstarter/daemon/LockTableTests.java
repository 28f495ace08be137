package dev.sessionstarter.daemon;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LockTable}: waiters are served in arrival order, whether the lock is
 * released, its owner's connection closes or its lease runs out, and nothing stays behind.
 */
class LockTableTests {

	private static final String ID = "session-1";

	private static final long LONG_WAIT_MILLIS = 30_000;

	private final LockTable table = new LockTable(Duration.ofMinutes(1));

	private final List<Thread> threads = new ArrayList<>();

	private final Queue<String> grantOrder = new ConcurrentLinkedQueue<>();

	private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();

	private final CountDownLatch proceed = new CountDownLatch(1);

	@AfterEach
	void stopWaiters() throws InterruptedException {
		this.proceed.countDown();
		for (Thread thread : this.threads) {
			thread.interrupt();
			thread.join();
		}
	}

	@Test
	void tokensStartAtARandomValueInEachRunSoATokenFromAnEarlierRunReleasesNothing() throws Exception {
		LockTable earlier = new LockTable(Duration.ofMinutes(1));
		long earlierToken = earlier.lock(ID, new LockOwner(), 0, 0);
		long token = this.table.lock(ID, new LockOwner(), 0, 0);
		assertThat(token).isPositive().isNotEqualTo(earlierToken).isNotEqualTo(1);
		assertThat(this.table.unlock(ID, earlierToken)).isFalse();
		assertThat(this.table.unlock(ID, token)).isTrue();
	}

	@Test
	void aRenewedLockOutlivesItsFirstLeaseAndOnlyItsTokenRenewsIt() throws Exception {
		long token = this.table.lock(ID, new LockOwner(), 0, 200);
		long start = System.nanoTime();
		assertThat(this.table.renew(ID, token, 60_000)).isTrue();
		assertThat(this.table.renew(ID, token + 1, 60_000)).isFalse();
		await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() - start > 400_000_000L);
		assertThat(this.table.lock(ID, new LockOwner(), 0, 0)).isZero();
		assertThat(this.table.leaseExpiries()).isZero();
		assertThat(this.table.renew(ID, token, 60_000)).isTrue();
		assertThat(this.table.unlock(ID, token)).isTrue();
		assertThat(this.table.renew(ID, token, 60_000)).isFalse();
		assertThat(this.table.renew("never-locked", token, 60_000)).isFalse();
		assertThat(this.table.size()).isZero();
	}

	@Test
	void aLockWhoseLeaseEndedIsNotRenewed() throws Exception {
		long token = this.table.lock(ID, new LockOwner(), 0, 100);
		long start = System.nanoTime();
		await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() - start > 200_000_000L);
		assertThat(this.table.renew(ID, token, 60_000)).isFalse();
		assertThat(this.table.leaseExpiries()).isOne();
		assertThat(this.table.size()).isZero();
	}

	@Test
	void aReleaseHandsTheLockToTheWaitersInArrivalOrderAndANewcomerCannotTakeItFirst() throws Exception {
		long token = this.table.lock(ID, new LockOwner(), 0, 0);
		queue("first");
		queue("second");
		queue("third");
		assertThat(this.table.unlock(ID, token)).isTrue();
		assertThat(this.table.lock(ID, new LockOwner(), 0, 0)).as("a newcomer's token").isZero();
		assertThat(this.table.size()).isOne();
		finishWaiters();
		assertThat(this.grantOrder).containsExactly("first", "second", "third");
		assertThat(this.table.size()).isZero();
	}

	@Test
	void aLockWhoseLeaseRunsOutGoesToTheLongestWaiter() throws Exception {
		long token = this.table.lock(ID, new LockOwner(), 0, 500);
		queue("first");
		queue("second");
		finishWaiters();
		assertThat(this.grantOrder).containsExactly("first", "second");
		assertThat(this.table.leaseExpiries()).isOne();
		assertThat(this.table.unlock(ID, token)).isFalse();
		assertThat(this.table.size()).isZero();
	}

	@Test
	void closingAConnectionHandsItsLocksToTheLongestWaiters() throws Exception {
		LockOwner closing = new LockOwner();
		this.table.lock(ID, closing, 0, 0);
		this.table.lock("session-2", closing, 0, 0);
		queue("first");
		queue("second");
		this.table.releaseAll(closing);
		assertThat(closing.held).isEmpty();
		assertThat(this.table.size()).isOne();
		finishWaiters();
		assertThat(this.grantOrder).containsExactly("first", "second");
		assertThat(this.table.size()).isZero();
	}

	@Test
	void aWaiterThatTimesOutLeavesTheQueue() throws Exception {
		long token = this.table.lock(ID, new LockOwner(), 0, 0);
		assertThat(this.table.lock(ID, new LockOwner(), 50, 0)).isZero();
		assertThat(this.table.unlock(ID, token)).isTrue();
		assertThat(this.table.size()).isZero();
	}

	@Test
	void anInterruptedWaiterLeavesTheQueue() throws Exception {
		long token = this.table.lock(ID, new LockOwner(), 0, 0);
		AtomicReference<Object> outcome = new AtomicReference<>();
		Thread waiter = start(() -> outcome.set(this.table.lock(ID, new LockOwner(), LONG_WAIT_MILLIS, 0)));
		waiter.interrupt();
		waiter.join();
		assertThat(outcome.get()).isNull();
		assertThat(this.failures).singleElement().isInstanceOf(InterruptedException.class);
		assertThat(this.table.unlock(ID, token)).isTrue();
		assertThat(this.table.size()).isZero();
	}

	@Test
	void anOwnerCannotTakeALockItHolds() throws Exception {
		LockOwner owner = new LockOwner();
		this.table.lock(ID, owner, 0, 0);
		assertThatIllegalStateException().isThrownBy(() -> this.table.lock(ID, owner, LONG_WAIT_MILLIS, 0));
	}

	/**
	 * Start a connection that waits for {@link #ID}'s lock, notes when it has it, and releases
	 * it once the test lets the waiters proceed; return when it waits in the queue.
	 */
	private void queue(String name) {
		start(() -> {
			long token = this.table.lock(ID, new LockOwner(), LONG_WAIT_MILLIS, 0);
			this.grantOrder.add(name);
			this.proceed.await();
			this.table.unlock(ID, token);
		});
	}

	private Thread start(Action action) {
		Thread thread = new Thread(() -> {
			try {
				action.run();
			}
			catch (Throwable ex) {
				this.failures.add(ex);
			}
		});
		this.threads.add(thread);
		thread.start();
		await().until(() -> thread.getState() == Thread.State.TIMED_WAITING);
		return thread;
	}

	private void finishWaiters() throws InterruptedException {
		this.proceed.countDown();
		for (Thread thread : this.threads) {
			thread.join();
		}
		assertThat(this.failures).isEmpty();
	}

	private interface Action {

		void run() throws Exception;

	}

}
