package dev.sessionstarter.store.file;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The pauses between asks for an OS lock that another process holds: the OS does not queue
 * those asks, so a waiter asks again after a pause twice as long as the last, up to 2ms.
 */
final class Backoff {

	/**
	 * The first pause of a wait for a lock.
	 */
	static final long FIRST_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

	private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

	private Backoff() {
	}

	/**
	 * Wait before asking the OS again, up to a deadline.
	 * @param deadline the {@link System#nanoTime()} to give up at
	 * @param pause the wait
	 * @return the next wait, or -1 if the deadline has passed
	 * @throws InterruptedException if the thread is interrupted
	 */
	static long pause(long deadline, long pause) throws InterruptedException {
		if (deadline - System.nanoTime() > 0 && Thread.interrupted()) {
			throw new InterruptedException();
		}
		return pauseUninterruptibly(deadline, pause);
	}

	/**
	 * Wait before asking the OS again, up to a deadline, whether the thread is interrupted or not.
	 * @param deadline the {@link System#nanoTime()} to give up at
	 * @param pause the wait
	 * @return the next wait, or -1 if the deadline has passed
	 */
	static long pauseUninterruptibly(long deadline, long pause) {
		long remaining = deadline - System.nanoTime();
		if (remaining <= 0) {
			return -1;
		}
		LockSupport.parkNanos(Math.min(remaining, pause));
		return Math.min(pause * 2, MAX_PAUSE_NANOS);
	}

}
