package dev.sessionstarter.store.redis;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler thread of a {@link RedisSessionLockManager}: at a fixed period it renews the
 * leases of the locks requests hold ({@link LockCalls#renewAll()}) and runs the manager's other
 * upkeep (forgetting retained locks that expired).
 */
final class LockRenewal implements AutoCloseable {

	private final ScheduledExecutorService scheduler;

	private volatile boolean renewing = true;

	/**
	 * Start renewing.
	 * @param lockCalls the calls that renew
	 * @param periodMillis the period, ms
	 * @param upkeep what else to run at each period
	 */
	LockRenewal(LockCalls lockCalls, long periodMillis, Runnable upkeep) {
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "redis-session-lock-renewal");
			thread.setDaemon(true);
			return thread;
		});
		long period = Math.max(1, periodMillis);
		this.scheduler.scheduleWithFixedDelay(() -> {
			if (this.renewing) {
				lockCalls.renewAll();
				upkeep.run();
			}
		}, period, period, TimeUnit.MILLISECONDS);
	}

	/**
	 * Stop renewing leases, as a paused instance would; for tests of lost leases.
	 */
	void stop() {
		this.renewing = false;
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
	}

}
