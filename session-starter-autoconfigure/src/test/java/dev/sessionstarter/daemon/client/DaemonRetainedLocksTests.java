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
		up();
		RetainedDaemonLock lock = retainAndEnd("s", 10);
		assertThat(this.locks.take("s")).isSameAs(lock);
	}

	@Test
	void aNoticeForTheTokenOfASaveInFlightHoldsForTheLockTheSaveRetains() {
		up();
		this.locks.wanted("s", 10);
		retainAndEnd("s", 10);
		assertThat(this.locks.take("s")).isNull();
	}

	@Test
	void tooManyNoticesForSavesInFlightEndTheTrustInEveryRetainedLock() {
		up();
		retainAndEnd("s", 10);
		for (long token = 1000; token <= 1000 + EarlyNotices.MAX; token++) {
			this.locks.wanted("other-" + token, token);
		}
		assertThat(this.locks.take("s")).isNull();
	}

	@Test
	void aLockRetainedBeforeTheNoticeConnectionFailedIsNotTrusted() {
		up();
		retainAndEnd("s", 10);
		this.locks.down();
		up();
		assertThat(this.locks.take("s")).isNull();
	}

	@Test
	void noLockIsTrustedOnceTheNoticeCallUnderWayIsPastItsDeadline() {
		up();
		retainAndEnd("s", 10);
		// its connection may be closed from then on, which makes the daemon release the locks
		this.locks.upUntil(System.nanoTime() - 1);
		assertThat(this.locks.take("s")).isNull();
		assertThat(this.locks.epochIfUp()).isEqualTo(-1);
	}

	@Test
	void noLockIsTrustedOnceTheNoticeConnectionIsAboutToClose() {
		up();
		retainAndEnd("s", 10);
		this.locks.distrust();
		assertThat(this.locks.take("s")).isNull();
	}

	/**
	 * The notice connection answered, and its next call has a minute to be answered.
	 */
	private void up() {
		this.locks.upUntil(System.nanoTime() + TimeUnit.MINUTES.toNanos(1));
		this.locks.up();
	}

	private RetainedDaemonLock retainAndEnd(String sessionId, long token) {
		RetainedDaemonLock lock = this.locks.retained(sessionId, token, null, System.nanoTime(),
				this.locks.epochIfUp());
		this.locks.end(lock);
		return lock;
	}

}
