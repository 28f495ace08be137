package dev.sessionstarter.lock;

import java.util.concurrent.atomic.LongAdder;

import org.springframework.util.Assert;

/**
 * The counts of request locking, kept in this one place: {@link SessionLockFilter} records each
 * wait, the meters and the actuator endpoint read them. Thread-safe.
 */
public final class LockStatistics {

	private final SessionLockManager manager;

	private final LongAdder acquisitions = new LongAdder();

	private final LongAdder timeouts = new LongAdder();

	private volatile LockWaitRecorder waitRecorder = LockWaitRecorder.NONE;

	/**
	 * Create statistics of the locks of a manager.
	 * @param manager the lock manager
	 */
	public LockStatistics(SessionLockManager manager) {
		Assert.notNull(manager, "'manager' must not be null");
		this.manager = manager;
	}

	/**
	 * Return the type of the lock manager, such as {@code memory}.
	 * @return the manager type
	 */
	public String manager() {
		return this.manager.type();
	}

	/**
	 * Return how many locks are held now.
	 * @return the held locks
	 */
	public int held() {
		return this.manager.heldLocks();
	}

	/**
	 * Return how many times a request got its lock since start.
	 * @return the acquisitions
	 */
	public long acquisitions() {
		return this.acquisitions.sum();
	}

	/**
	 * Return how many times a request gave up waiting for its lock since start.
	 * @return the timeouts
	 */
	public long timeouts() {
		return this.timeouts.sum();
	}

	/**
	 * Set the recorder that each wait is passed to as well.
	 * @param waitRecorder the recorder
	 */
	public void setWaitRecorder(LockWaitRecorder waitRecorder) {
		Assert.notNull(waitRecorder, "'waitRecorder' must not be null");
		this.waitRecorder = waitRecorder;
	}

	/**
	 * Record that a request waited for its lock.
	 * @param nanos how long it waited, in nanoseconds
	 * @param acquired whether it got the lock ({@code false} if it timed out)
	 */
	public void recordWait(long nanos, boolean acquired) {
		((acquired) ? this.acquisitions : this.timeouts).increment();
		this.waitRecorder.record(nanos, acquired);
	}

}
