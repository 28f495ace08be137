package dev.sessionstarter.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The contract of the {@link SessionLockManager} SPI; each manager's test extends it once, as
 * Spring Session's {@code AbstractJdbcIndexedSessionRepositoryITests} is extended once per
 * database. A lock is exclusive, released on any thread, not had past its timeout, given up by an
 * interrupted waiter, one per id; the manager keeps nothing for ids no request uses, however many
 * pass through; and under contention no waiter starves.
 */
public abstract class SessionLockManagerContractTests {

	/**
	 * The id most tests lock.
	 */
	protected static final String ID = "session-1";

	/**
	 * An id whose lock is independent of {@link #ID}'s.
	 */
	protected static final String OTHER_ID = "session-2";

	protected static final Duration NO_WAIT = Duration.ZERO;

	protected static final Duration LONG_WAIT = Duration.ofSeconds(30);

	protected SessionLockManager manager;

	private final ExecutorService others = Executors.newCachedThreadPool();

	/**
	 * Create the manager under test, holding no lock.
	 * @return the manager
	 */
	protected abstract SessionLockManager createManager();

	/**
	 * Return how much the manager keeps for session ids now (entries, files, locks held in
	 * another process), counted, not timed: zero when no request holds or waits for a lock.
	 * @return the count
	 */
	protected abstract long retained();

	/**
	 * Return how many distinct ids {@link #keepsNothingAfterAMillionDistinctIds()} locks.
	 * @return the number, a million unless a manager says why not
	 */
	protected int distinctIds() {
		return 1_000_000;
	}

	/**
	 * Return how many times the first of the contending threads of
	 * {@link #noWaiterStarvesUnderContention()} takes the lock before they stop.
	 * @return the number of acquisitions
	 */
	protected int contendedAcquisitions() {
		return 2_000;
	}

	@BeforeEach
	void createManagerUnderTest() {
		this.manager = createManager();
	}

	@AfterEach
	void stopOtherThreads() {
		this.others.shutdownNow();
	}

	@Test
	void aLockIsExclusiveUntilReleased() throws Exception {
		SessionLock lock = this.manager.tryLock(ID, NO_WAIT);
		assertThat(lock).isNotNull();
		assertThat(lock.sessionId()).isEqualTo(ID);
		assertThat(this.manager.heldLocks()).isOne();
		assertThat(elsewhere(ID, NO_WAIT)).isNull();
		lock.release();
		lock.release();
		assertThat(this.manager.heldLocks()).isZero();
		SessionLock again = elsewhere(ID, NO_WAIT);
		assertThat(again).isNotNull();
		lock.release();
		assertThat(this.manager.tryLock(ID, NO_WAIT)).as("a second release has no effect").isNull();
		again.close();
		assertThat(this.manager.heldLocks()).isZero();
		assertThat(retained()).isZero();
	}

	@Test
	void aLockTakenOnOneThreadIsReleasedOnAnother() throws Exception {
		SessionLock lock = elsewhere(ID, NO_WAIT);
		assertThat(lock).isNotNull();
		lock.release();
		assertThat(this.manager.heldLocks()).isZero();
		SessionLock again = elsewhere(ID, NO_WAIT);
		assertThat(again).isNotNull();
		again.release();
		assertThat(retained()).isZero();
	}

	@Test
	void aWaiterGetsTheLockWhenItIsReleased() throws Exception {
		SessionLock lock = this.manager.tryLock(ID, NO_WAIT);
		CountDownLatch waiting = new CountDownLatch(1);
		Future<SessionLock> waiter = this.others.submit(() -> {
			waiting.countDown();
			return this.manager.tryLock(ID, LONG_WAIT);
		});
		waiting.await();
		lock.release();
		SessionLock acquired = waiter.get(LONG_WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(acquired).isNotNull();
		acquired.release();
		assertThat(this.manager.heldLocks()).isZero();
		assertThat(retained()).isZero();
	}

	@Test
	void aWaiterGivesUpAtItsTimeoutAndLeavesNothingBehind() throws Exception {
		SessionLock lock = this.manager.tryLock(ID, NO_WAIT);
		assertThat(elsewhere(ID, Duration.ofMillis(50))).isNull();
		assertThat(this.manager.heldLocks()).isOne();
		lock.release();
		assertThat(retained()).isZero();
	}

	@Test
	void aTimeoutTooLongForNanosecondsWaitsWithoutLimit() throws Exception {
		try (SessionLock lock = this.manager.tryLock(ID, Duration.ofSeconds(Long.MAX_VALUE))) {
			assertThat(lock).isNotNull();
		}
		assertThat(this.manager.heldLocks()).isZero();
	}

	@Test
	void anInterruptedWaiterStopsWaitingAndLeavesTheLockUsable() throws Exception {
		SessionLock lock = this.manager.tryLock(ID, NO_WAIT);
		AtomicReference<Object> outcome = new AtomicReference<>();
		CountDownLatch waiting = new CountDownLatch(1);
		Thread waiter = new Thread(() -> {
			waiting.countDown();
			try {
				outcome.set(this.manager.tryLock(ID, LONG_WAIT));
			}
			catch (InterruptedException ex) {
				outcome.set(ex);
			}
		});
		waiter.start();
		waiting.await();
		waiter.interrupt();
		waiter.join(LONG_WAIT.toMillis());
		assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
		assertThat(this.manager.heldLocks()).isOne();
		lock.release();
		SessionLock again = elsewhere(ID, NO_WAIT);
		assertThat(again).isNotNull();
		again.release();
		assertThat(this.manager.heldLocks()).isZero();
		assertThat(retained()).isZero();
	}

	@Test
	void locksOfDifferentIdsDoNotBlockEachOther() throws Exception {
		SessionLock one = this.manager.tryLock(ID, NO_WAIT);
		SessionLock other = elsewhere(OTHER_ID, NO_WAIT);
		assertThat(one).isNotNull();
		assertThat(other).isNotNull();
		assertThat(other.sessionId()).isEqualTo(OTHER_ID);
		assertThat(this.manager.heldLocks()).isEqualTo(2);
		one.release();
		other.release();
		assertThat(this.manager.heldLocks()).isZero();
		assertThat(retained()).isZero();
	}

	@Test
	void keepsNothingAfterAMillionDistinctIds() throws Exception {
		for (int i = 0; i < distinctIds(); i++) {
			SessionLock lock = this.manager.tryLock("session-" + i, NO_WAIT);
			assertThat(lock).isNotNull();
			lock.release();
		}
		assertThat(this.manager.heldLocks()).isZero();
		assertThat(retained()).isZero();
	}

	/**
	 * Threads that each take and release one id's lock again and again, doing some work while
	 * they hold it, until the first of them has had it {@link #contendedAcquisitions()} times.
	 * Each thread counts the grants to others between its call and its own grant. Served in
	 * arrival order, a waiter is passed by at most the others already waiting; a lock that lets a
	 * releasing thread take it straight back passes its waiters hundreds of times instead. So the
	 * passes beyond that bound must stay under a quarter of all grants for every thread (the
	 * slack allows for a thread paused between asking and being queued), and each thread must have
	 * had the lock a quarter as often as the first. The read-modify-write each makes under the
	 * lock must never have lost another's. The test holds the lock until every thread is about to
	 * wait for it, so none has a head start.
	 */
	@Test
	protected void noWaiterStarvesUnderContention() throws Exception {
		int threads = 4;
		int target = contendedAcquisitions();
		CountDownLatch arrived = new CountDownLatch(threads);
		AtomicBoolean done = new AtomicBoolean();
		AtomicLong grants = new AtomicLong();
		long[] unguarded = new long[1];
		SessionLock first = this.manager.tryLock(ID, NO_WAIT);
		List<Future<List<Long>>> waits = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			waits.add(this.others.submit(() -> {
				List<Long> passedBy = new ArrayList<>();
				arrived.countDown();
				while (!done.get()) {
					long before = grants.get();
					SessionLock lock = this.manager.tryLock(ID, LONG_WAIT);
					assertThat(lock).isNotNull();
					try {
						passedBy.add(grants.getAndIncrement() - before);
						long read = unguarded[0];
						for (int i = 0; i < 1_000; i++) {
							Thread.onSpinWait();
						}
						unguarded[0] = read + 1;
						if (passedBy.size() >= target) {
							done.set(true);
						}
					}
					finally {
						lock.release();
					}
				}
				return passedBy;
			}));
		}
		arrived.await();
		first.release();
		List<List<Long>> passedBy = new ArrayList<>();
		for (Future<List<Long>> wait : waits) {
			passedBy.add(wait.get(120, TimeUnit.SECONDS));
		}
		List<Integer> acquisitions = passedBy.stream().map(List::size).toList();
		List<Long> passesBeyondArrivalOrder = passedBy.stream()
			.map((thread) -> thread.stream().mapToLong((passes) -> Math.max(0, passes - (threads - 1))).sum())
			.toList();
		assertThat(acquisitions).as("acquisitions per thread")
			.allSatisfy((count) -> assertThat(count).isGreaterThanOrEqualTo(target / 4));
		assertThat(passesBeyondArrivalOrder)
			.as("grants that passed each thread's waits beyond those arrived before it, of %d", grants.get())
			.allSatisfy((passes) -> assertThat(passes).isLessThanOrEqualTo(grants.get() / 4));
		assertThat(unguarded[0]).as("increments made under the lock").isEqualTo(grants.get());
		await().atMost(LONG_WAIT).until(() -> this.manager.heldLocks() == 0 && retained() == 0);
	}

	/**
	 * Try to lock an id on another thread, as another request of the session would.
	 * @param id the session id
	 * @param timeout the longest wait
	 * @return the held lock, or {@code null} if it could not be had in time
	 * @throws Exception if the attempt fails
	 */
	protected SessionLock elsewhere(String id, Duration timeout) throws Exception {
		return this.others.submit(() -> this.manager.tryLock(id, timeout)).get(LONG_WAIT.toSeconds(), TimeUnit.SECONDS);
	}

}
