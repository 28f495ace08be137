package dev.sessionstarter.daemon.client;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DaemonLockRenewals}.
 */
class DaemonLockRenewalsTests {

	private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

	@Test
	void periodIsTheRetentionsWhileTheLeaseIsUnknownOrLong() {
		assertThat(DaemonLockRenewals.periodNanos(SECOND, 0)).isEqualTo(SECOND);
		assertThat(DaemonLockRenewals.periodNanos(SECOND, 60_000)).isEqualTo(SECOND);
		assertThat(DaemonLockRenewals.periodNanos(SECOND, Long.MAX_VALUE)).isEqualTo(SECOND);
	}

	@Test
	void periodIsAtMostAQuarterOfTheLeaseAndAtLeast50Millis() {
		assertThat(DaemonLockRenewals.periodNanos(SECOND, 900)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(225));
		assertThat(DaemonLockRenewals.periodNanos(SECOND, 1)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
	}

}
