package dev.sessionstarter.daemon.client;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DaemonRetainedLocks} without a daemon (a lock is released by nobody): when
 * a retained lock is trusted, and what ends the trust.
 */
class DaemonRetainedLocksTests {

	private final DaemonRetainedLocks locks = new DaemonRetainedLocks(1, TimeUnit.MINUTES.toNanos(1));

	@Test
	void aLockRetainedWhileTheNoticeConnectionIsUpIsTakenByTheNextRequest() {
		this.locks.up();
		RetainedDaemonLock lock = retainAndEnd("s", 10);
		assertThat(this.locks.take("s")).isSameAs(lock);
	}

	@Test
	void aNoticeForTheTokenOfASaveInFlightHoldsForTheLockTheSaveRetains() {
		this.locks.up();
		this.locks.wanted("s", 10);
		retainAndEnd("s", 10);
		assertThat(this.locks.take("s")).isNull();
	}

	@Test
	void tooManyNoticesForSavesInFlightEndTheTrustInEveryRetainedLock() {
		this.locks.up();
		retainAndEnd("s", 10);
		for (long token = 1000; token <= 1000 + EarlyNotices.MAX; token++) {
			this.locks.wanted("other-" + token, token);
		}
		assertThat(this.locks.take("s")).isNull();
	}

	@Test
	void aLockRetainedBeforeTheNoticeConnectionFailedIsNotTrusted() {
		this.locks.up();
		retainAndEnd("s", 10);
		this.locks.down();
		this.locks.up();
		assertThat(this.locks.take("s")).isNull();
	}

	private RetainedDaemonLock retainAndEnd(String sessionId, long token) {
		RetainedDaemonLock lock = this.locks.retained(sessionId, token, null, System.nanoTime(),
				this.locks.epochIfUp());
		this.locks.end(lock);
		return lock;
	}

}
