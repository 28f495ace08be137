package dev.sessionstarter.daemon.client;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EarlyNotices}: a notice is kept for its token until taken, and too many kept
 * within the time drop them all and say so.
 */
class EarlyNoticesTests {

	private static final long LONG = TimeUnit.MINUTES.toNanos(1);

	@Test
	void aNoticeIsTakenOnce() {
		EarlyNotices notices = new EarlyNotices(LONG);
		assertThat(notices.add(7)).isTrue();
		assertThat(notices.remove(8)).isFalse();
		assertThat(notices.remove(7)).isTrue();
		assertThat(notices.remove(7)).isFalse();
	}

	@Test
	void oneNoticeTooManyWithinTheTimeDropsThemAllAndKeepsTheNewOne() {
		EarlyNotices notices = new EarlyNotices(LONG);
		for (long token = 1; token <= EarlyNotices.MAX; token++) {
			assertThat(notices.add(token)).isTrue();
		}
		assertThat(notices.add(EarlyNotices.MAX + 1)).isFalse();
		assertThat(notices.remove(1)).isFalse();
		assertThat(notices.remove(EarlyNotices.MAX)).isFalse();
		assertThat(notices.remove(EarlyNotices.MAX + 1)).isTrue();
	}

	@Test
	void noticesOlderThanTheTimeMakeRoomForNewOnes() {
		EarlyNotices notices = new EarlyNotices(0);
		for (long token = 1; token <= EarlyNotices.MAX; token++) {
			notices.add(token);
		}
		assertThat(notices.add(EarlyNotices.MAX + 1)).isTrue();
		assertThat(notices.remove(1)).as("the oldest, dropped").isFalse();
		assertThat(notices.remove(EarlyNotices.MAX + 1)).isTrue();
	}

}
