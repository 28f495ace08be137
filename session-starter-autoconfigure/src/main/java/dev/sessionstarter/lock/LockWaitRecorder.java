package dev.sessionstarter.lock;

/**
 * Records how long a request waited for its session lock; the Micrometer timer implements it.
 */
@FunctionalInterface
public interface LockWaitRecorder {

	/**
	 * A recorder that records nothing.
	 */
	LockWaitRecorder NONE = (nanos, acquired) -> {
	};

	/**
	 * Record one wait.
	 * @param nanos how long the request waited, in nanoseconds
	 * @param acquired whether it got the lock ({@code false} if it timed out)
	 */
	void record(long nanos, boolean acquired);

}
