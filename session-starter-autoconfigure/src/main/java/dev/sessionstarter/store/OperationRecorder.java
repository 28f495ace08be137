package dev.sessionstarter.store;

/**
 * Records how long a repository operation took; the Micrometer timers implement it.
 */
@FunctionalInterface
public interface OperationRecorder {

	/**
	 * A recorder that records nothing.
	 */
	OperationRecorder NONE = (operation, nanos) -> {
	};

	/**
	 * Record one operation.
	 * @param operation the operation
	 * @param nanos its duration in nanoseconds
	 */
	void record(StoreOperation operation, long nanos);

}
