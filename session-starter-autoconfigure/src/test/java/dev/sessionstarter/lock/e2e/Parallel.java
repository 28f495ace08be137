package dev.sessionstarter.lock.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs one task on several threads at once and waits for all of them: the shape of every
 * lost-update test.
 */
public final class Parallel {

	private Parallel() {
	}

	/**
	 * Run a task on each of {@code threads} threads at once and wait for all of them, three
	 * minutes at the most.
	 * @param threads the number of threads
	 * @param task the task, given the number of its thread (0 to {@code threads - 1})
	 * @throws Exception the failure of the first task that failed (wrapped in an
	 * {@link java.util.concurrent.ExecutionException}), or a timeout
	 */
	public static void run(int threads, Task task) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				futures.add(executor.submit(() -> {
					task.run(thread);
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get(3, TimeUnit.MINUTES);
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	/**
	 * The work of one thread.
	 */
	@FunctionalInterface
	public interface Task {

		/**
		 * Do the work.
		 * @param thread the number of this thread
		 * @throws Exception on failure
		 */
		void run(int thread) throws Exception;

	}

}
