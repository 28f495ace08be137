package dev.sessionstarter.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.sessionstarter.lock.LockStatistics;
import dev.sessionstarter.lock.MemorySessionLockManager;
import dev.sessionstarter.lock.SessionLock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SessionLockMeterBinder}.
 */
class SessionLockMeterBinderTests {

	private final MemorySessionLockManager manager = new MemorySessionLockManager();

	private final LockStatistics statistics = new LockStatistics(this.manager);

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void bindsWaitTimerTimeoutCounterAndHeldGaugeTaggedWithTheManager() throws InterruptedException {
		new SessionLockMeterBinder(this.statistics).bindTo(this.registry);
		SessionLock lock = this.manager.tryLock("a", Duration.ZERO);
		this.statistics.recordWait(TimeUnit.MILLISECONDS.toNanos(3), true);
		this.statistics.recordWait(TimeUnit.MILLISECONDS.toNanos(5), false);
		assertThat(this.registry.get(SessionMeterNames.LOCK_WAIT).tag("manager", "memory").timer().count())
			.isEqualTo(2);
		assertThat(this.registry.get(SessionMeterNames.LOCK_WAIT).timer().totalTime(TimeUnit.MILLISECONDS))
			.isEqualTo(8);
		assertThat(this.registry.get(SessionMeterNames.LOCK_TIMEOUTS).tag("manager", "memory").functionCounter()
			.count()).isOne();
		assertThat(this.registry.get(SessionMeterNames.LOCK_HELD).tag("manager", "memory").gauge().value()).isOne();
		lock.release();
		assertThat(this.registry.get(SessionMeterNames.LOCK_HELD).gauge().value()).isZero();
		assertThat(this.statistics.acquisitions()).isOne();
	}

}
