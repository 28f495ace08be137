package dev.sessionstarter.daemon;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The daemon's periodic tasks (its purge, its flush to the storage directory), run one at a
 * time on one thread. A run that fails, by an exception or by an {@link Error} such as an
 * {@link OutOfMemoryError}, is logged and the task runs again at its next time: a bare
 * scheduled executor would stop running it, silently. Failures of one task that repeat are
 * logged at most once per {@code logPeriod}, with their count. A stop lets a run in progress
 * finish: runs are never interrupted, since an interrupt closes the file channels a flush
 * writes through.
 */
final class Maintenance {

	private final ScheduledExecutorService scheduler;

	private final BiConsumer<String, String> log;

	private final Duration logPeriod;

	/**
	 * Create the tasks' thread.
	 * @param log where failures go: a level and a message
	 * @param logPeriod the least time between two lines about one task's repeated failures
	 */
	Maintenance(BiConsumer<String, String> log, Duration logPeriod) {
		this.log = log;
		this.logPeriod = logPeriod;
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "session-daemon-maintenance");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Run a task every {@code interval}, the first time one interval from now.
	 * @param name what the task is, for the log
	 * @param interval the time between the end of a run and the start of the next
	 * @param task the task
	 */
	void every(String name, Duration interval, Runnable task) {
		LogLimiter limiter = new LogLimiter(this.logPeriod);
		long millis = Math.max(1, interval.toMillis());
		this.scheduler.scheduleWithFixedDelay(() -> run(name, task, limiter), millis, millis, TimeUnit.MILLISECONDS);
	}

	private void run(String name, Runnable task, LogLimiter limiter) {
		try {
			task.run();
			long failures = limiter.succeeded();
			if (failures > 0) {
				this.log.accept("INFO", name + " works again after " + failures + " failed runs");
			}
		}
		catch (Throwable ex) {
			long failures = limiter.failed();
			if (failures > 0) {
				this.log.accept("ERROR", name + " failed: " + ex + " (" + failures + " failed runs since "
						+ limiter.failingSince() + "; it runs again at its next time, and repeated failures"
						+ " are logged at most every " + this.logPeriod.toSeconds() + "s)");
			}
		}
	}

	/**
	 * Stop scheduling runs and wait for the one in progress, if any, without interrupting it.
	 * @param wait the longest wait
	 * @return whether no run is in progress any more
	 */
	boolean stop(Duration wait) {
		this.scheduler.shutdown();
		try {
			return this.scheduler.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
