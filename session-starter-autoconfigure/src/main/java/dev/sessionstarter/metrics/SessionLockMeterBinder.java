package dev.sessionstarter.metrics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.util.Assert;

import dev.sessionstarter.lock.LockStatistics;

/**
 * Binds the meters of request locking (see {@link SessionMeterNames}) to a registry: the
 * timeout counter and the held gauge read the {@link LockStatistics} when scraped, and the wait
 * timer is fed as requests get (or give up on) their locks.
 */
public class SessionLockMeterBinder implements MeterBinder {

	private final LockStatistics statistics;

	private final List<Timer> waitTimers = new CopyOnWriteArrayList<>();

	/**
	 * Create a binder; the statistics' wait recorder is set to this binder's timers.
	 * @param statistics the lock statistics
	 */
	public SessionLockMeterBinder(LockStatistics statistics) {
		Assert.notNull(statistics, "'statistics' must not be null");
		this.statistics = statistics;
		statistics.setWaitRecorder(this::record);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Tags tags = Tags.of(SessionMeterNames.TAG_MANAGER, this.statistics.manager());
		this.waitTimers.add(Timer.builder(SessionMeterNames.LOCK_WAIT)
			.description("Time requests waited for the lock of their session")
			.tags(tags)
			.register(registry));
		FunctionCounter.builder(SessionMeterNames.LOCK_TIMEOUTS, this.statistics, LockStatistics::timeouts)
			.description("Requests that gave up waiting for the lock of their session")
			.tags(tags)
			.register(registry);
		Gauge.builder(SessionMeterNames.LOCK_HELD, this.statistics, LockStatistics::held)
			.description("Session locks held now")
			.baseUnit("locks")
			.tags(tags)
			.register(registry);
	}

	private void record(long nanos, boolean acquired) {
		for (Timer timer : this.waitTimers) {
			timer.record(nanos, TimeUnit.NANOSECONDS);
		}
	}

}
