package dev.sessionstarter.store.redis;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The request of this process that waits for one session's Redis lock (the first in this
 * process's queue for it): between attempts it waits until the lock is released (a message) or
 * the holder's lease ends.
 */
final class LockWaiter {

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
