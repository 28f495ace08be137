package dev.sessionstarter.store.redis;

import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The requests of this process that hold or wait for one session's Redis lock: they queue for a
 * fair permit, first come, first served, and the one holding it asks Redis, waiting between
 * attempts until the lock is released (a message) or its lease ends. {@code users} is only read
 * and written inside the waiter map's atomic {@code compute} calls for its id.
 */
final class LockWaiters {

	final Semaphore permit = new Semaphore(1, true);

	int users;

	private final ReentrantLock monitor = new ReentrantLock();

	private final Condition released = this.monitor.newCondition();

	private boolean woken;

	/**
	 * Forget earlier wake-ups, before an attempt whose failure a later release is to end.
	 */
	void reset() {
		this.monitor.lock();
		try {
			this.woken = false;
		}
		finally {
			this.monitor.unlock();
		}
	}

	/**
	 * Wake the waiter: the lock was released.
	 */
	void wake() {
		this.monitor.lock();
		try {
			this.woken = true;
			this.released.signalAll();
		}
		finally {
			this.monitor.unlock();
		}
	}

	/**
	 * Wait until woken or for at most the given time.
	 * @param nanos the longest wait
	 * @throws InterruptedException if the waiting thread is interrupted
	 */
	void await(long nanos) throws InterruptedException {
		this.monitor.lock();
		try {
			long left = nanos;
			while (!this.woken && left > 0) {
				left = this.released.awaitNanos(left);
			}
		}
		finally {
			this.monitor.unlock();
		}
	}

}
