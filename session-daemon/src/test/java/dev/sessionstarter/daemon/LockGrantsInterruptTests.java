package dev.sessionstarter.daemon;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LockGrants}: a waiter interrupted while the lock is handed to it gives back
 * only the lock it was handed, never the lock of whoever took it over after its lease ended.
 */
class LockGrantsInterruptTests {

	private static final String ID = "session-1";

	private static final long LONG_WAIT_MILLIS = 30_000;

	private final LockTable table = new LockTable(Duration.ofMinutes(1));

	@Test
	void anInterruptedWaiterWhoseHandedLeaseEndedReleasesNotTheNextHoldersLock() throws Exception {
		long first = this.table.lock(ID, new LockOwner(), 0, 0);
		AtomicReference<Throwable> interrupted = new AtomicReference<>();
		Thread shortLease = waiter(() -> this.table.lock(ID, new LockOwner(), LONG_WAIT_MILLIS, 1), interrupted,
				new AtomicLong());
		awaitWaiters(1);
		LockOwner next = new LockOwner();
		AtomicLong nextToken = new AtomicLong();
		Thread longLease = waiter(() -> this.table.lock(ID, next, LONG_WAIT_MILLIS, 0), new AtomicReference<>(),
				nextToken);
		awaitWaiters(2);
		IdLock lock = this.table.guarded(ID);
		try {
			// interrupted before its turn: it now waits for the guard, to throw
			shortLease.interrupt();
			await().until(() -> lock.guard.hasQueuedThread(shortLease));
			// its turn comes meanwhile, and its 1ms lease ends: the next waiter takes the lock over
			assertThat(this.table.unlock(ID, first)).isTrue();
			await().pollInSameThread().until(() -> {
				IdLock again = this.table.guarded(ID);
				again.guard.unlock();
				return again.holder != null && again.holder.owner() == next;
			});
		}
		finally {
			lock.guard.unlock();
		}
		shortLease.join();
		longLease.join();
		assertThat(interrupted.get()).isInstanceOf(InterruptedException.class);
		assertThat(nextToken.get()).isNotZero();
		assertThat(this.table.lock(ID, new LockOwner(), 0, 0)).as("a newcomer while the next waiter holds it")
			.isZero();
		assertThat(this.table.unlock(ID, nextToken.get())).isTrue();
		assertThat(this.table.size()).isZero();
	}

	private void awaitWaiters(int count) {
		await().until(() -> {
			IdLock lock = this.table.guarded(ID);
			try {
				return lock.waiters.size() == count;
			}
			finally {
				this.table.unguard(lock);
			}
		});
	}

	private static Thread waiter(LockCall call, AtomicReference<Throwable> failure, AtomicLong token) {
		Thread thread = new Thread(() -> {
			try {
				token.set(call.lock());
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
		});
		thread.start();
		return thread;
	}

	private interface LockCall {

		long lock() throws Exception;

	}

}
