package dev.sessionstarter.daemon.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DaemonLockNotices}: how long it waits before connecting again.
 */
class DaemonLockNoticesTests {

	@Test
	void thePauseDoublesFromHalfTheTimeoutUpToTheMaximum() {
		assertThat(DaemonLockNotices.pauseMillis(2000, 1)).isEqualTo(1000);
		assertThat(DaemonLockNotices.pauseMillis(2000, 2)).isEqualTo(2000);
		assertThat(DaemonLockNotices.pauseMillis(2000, 3)).isEqualTo(4000);
		assertThat(DaemonLockNotices.pauseMillis(2000, 4)).isEqualTo(DaemonLockNotices.MAX_PAUSE_MILLIS);
		assertThat(DaemonLockNotices.pauseMillis(2000, 1000)).isEqualTo(DaemonLockNotices.MAX_PAUSE_MILLIS);
	}

	@Test
	void thePauseIsAtLeast100msAndAtLeastHalfALongTimeout() {
		assertThat(DaemonLockNotices.pauseMillis(50, 1)).isEqualTo(100);
		assertThat(DaemonLockNotices.pauseMillis(30_000, 5)).isEqualTo(15_000);
	}

}
