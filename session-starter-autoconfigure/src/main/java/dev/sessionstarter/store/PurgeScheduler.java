package dev.sessionstarter.store;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * Runs {@link StoreSessionRepository#purgeExpiredSessions()} at a fixed interval on one daemon
 * thread, from the start of the application context until it stops.
 */
public class PurgeScheduler implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(PurgeScheduler.class);

	private final StoreSessionRepository repository;

	private final Duration interval;

	private @Nullable ScheduledExecutorService executor;

	/**
	 * Create a scheduler.
	 * @param repository the repository to purge
	 * @param interval the time between purges, greater than zero
	 */
	public PurgeScheduler(StoreSessionRepository repository, Duration interval) {
		Assert.notNull(repository, "'repository' must not be null");
		Assert.isTrue(interval != null && !interval.isNegative() && !interval.isZero(),
				"'interval' must be greater than zero");
		this.repository = repository;
		this.interval = interval;
	}

	@Override
	public synchronized void start() {
		if (this.executor != null) {
			return;
		}
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "session-purge");
			thread.setDaemon(true);
			return thread;
		});
		long millis = this.interval.toMillis();
		executor.scheduleWithFixedDelay(this::purge, millis, millis, TimeUnit.MILLISECONDS);
		this.executor = executor;
	}

	private void purge() {
		try {
			this.repository.purgeExpiredSessions();
		}
		catch (RuntimeException ex) {
			logger.error("Purge of expired sessions failed; it runs again in " + this.interval, ex);
		}
	}

	@Override
	public synchronized void stop() {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

}
