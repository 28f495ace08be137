package dev.sessionstarter.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MemorySessionLockManager}.
 */
class MemorySessionLockManagerTests {

	private static final Duration NO_WAIT = Duration.ZERO;

	private static final Duration LONG_WAIT = Duration.ofSeconds(30);

	private final MemorySessionLockManager manager = new MemorySessionLockManager();

	@Test
	void grantsOneLockPerSessionIdAtATime() throws InterruptedException {
		SessionLock lock = this.manager.tryLock("a", NO_WAIT);
		assertThat(lock).isNotNull();
		assertThat(lock.sessionId()).isEqualTo("a");
		assertThat(this.manager.tryLock("a", NO_WAIT)).isNull();
		assertThat(this.manager.heldLocks()).isOne();
		lock.release();
		SessionLock again = this.manager.tryLock("a", NO_WAIT);
		assertThat(again).isNotNull();
		again.release();
	}

	@Test
	void locksOfDistinctSessionIdsAreIndependent() throws InterruptedException {
		SessionLock a = this.manager.tryLock("a", NO_WAIT);
		SessionLock b = this.manager.tryLock("b", NO_WAIT);
		assertThat(a).isNotNull();
		assertThat(b).isNotNull();
		assertThat(this.manager.heldLocks()).isEqualTo(2);
		a.release();
		b.release();
		assertThat(this.manager.heldLocks()).isZero();
	}

	@Test
	void releasingTwiceHasNoFurtherEffect() throws InterruptedException {
		SessionLock lock = this.manager.tryLock("a", NO_WAIT);
		lock.release();
		SessionLock next = this.manager.tryLock("a", NO_WAIT);
		lock.release();
		assertThat(this.manager.tryLock("a", NO_WAIT)).isNull();
		assertThat(this.manager.heldLocks()).isOne();
		next.close();
		assertThat(this.manager.heldLocks()).isZero();
		assertThat(this.manager.entries()).isZero();
	}

	@Test
	void timesOutWhenTheLockIsNotReleasedAndLeavesNoEntry() throws InterruptedException {
		SessionLock lock = this.manager.tryLock("a", NO_WAIT);
		assertThat(this.manager.tryLock("a", Duration.ofMillis(20))).isNull();
		lock.release();
		assertThat(this.manager.entries()).isZero();
	}

	@Test
	void waiterGetsTheLockWhenAnotherThreadReleasesIt() throws Exception {
		SessionLock lock = this.manager.tryLock("a", NO_WAIT);
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			Future<SessionLock> waiter = executor.submit(() -> this.manager.tryLock("a", LONG_WAIT));
			Thread.sleep(20);
			assertThat(waiter).isNotDone();
			lock.release();
			SessionLock acquired = waiter.get(30, TimeUnit.SECONDS);
			assertThat(acquired).isNotNull();
			acquired.release();
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(this.manager.entries()).isZero();
	}

	@Test
	void lockTakenByOneThreadCanBeReleasedByAnother() throws Exception {
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			SessionLock lock = executor.submit(() -> this.manager.tryLock("a", NO_WAIT)).get();
			lock.release();
			assertThat(this.manager.heldLocks()).isZero();
			assertThat(this.manager.tryLock("a", NO_WAIT)).isNotNull();
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void interruptedWaiterLeavesNoEntry() throws Exception {
		SessionLock lock = this.manager.tryLock("a", NO_WAIT);
		CountDownLatch interrupted = new CountDownLatch(1);
		Thread waiter = new Thread(() -> {
			try {
				this.manager.tryLock("a", LONG_WAIT);
			}
			catch (InterruptedException ex) {
				interrupted.countDown();
			}
		});
		waiter.start();
		waiter.interrupt();
		assertThat(interrupted.await(30, TimeUnit.SECONDS)).isTrue();
		waiter.join();
		lock.release();
		assertThat(this.manager.entries()).isZero();
		assertThat(this.manager.heldLocks()).isZero();
	}

	@Test
	void holdsNothingAfterAMillionDistinctSessionIds() throws InterruptedException {
		for (int i = 0; i < 1_000_000; i++) {
			SessionLock lock = this.manager.tryLock("session-" + i, NO_WAIT);
			lock.release();
		}
		assertThat(this.manager.entries()).isZero();
		assertThat(this.manager.heldLocks()).isZero();
	}

	@Test
	void serializesParallelReadModifyWritesOfOneSession() throws Exception {
		int threads = 8;
		int increments = 5_000;
		int[] counter = new int[1];
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				futures.add(executor.submit(() -> {
					for (int i = 0; i < increments; i++) {
						SessionLock lock = this.manager.tryLock("shared", LONG_WAIT);
						try {
							int read = counter[0];
							Thread.onSpinWait();
							counter[0] = read + 1;
						}
						finally {
							lock.release();
						}
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(counter[0]).isEqualTo(threads * increments);
		assertThat(this.manager.entries()).isZero();
		assertThat(this.manager.heldLocks()).isZero();
	}

}
