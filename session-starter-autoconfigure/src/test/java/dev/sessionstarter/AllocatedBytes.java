package dev.sessionstarter;

import java.lang.management.ManagementFactory;

/**
 * Counts the bytes the calling thread allocates on the heap while an action runs, for the tests
 * that show what a request path no longer allocates (a count, not a time). The JIT may only
 * remove allocations, never add them, so a bound checked this way holds in every mode.
 */
public final class AllocatedBytes {

	private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private AllocatedBytes() {
	}

	/**
	 * Return the bytes the calling thread allocates per run of an action, on average over many
	 * runs, after as many runs to load and link what it uses.
	 * @param runs how many runs to measure
	 * @param action the action
	 * @return the average bytes per run
	 * @throws Exception what the action throws
	 */
	public static double perRun(int runs, Action action) throws Exception {
		for (int i = 0; i < runs; i++) {
			action.run();
		}
		long before = THREADS.getCurrentThreadAllocatedBytes();
		for (int i = 0; i < runs; i++) {
			action.run();
		}
		return (double) (THREADS.getCurrentThreadAllocatedBytes() - before) / runs;
	}

	/**
	 * What is measured.
	 */
	@FunctionalInterface
	public interface Action {

		/**
		 * Run once.
		 * @throws Exception on failure
		 */
		void run() throws Exception;

	}

}
