package dev.sessionstarter.lock;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link NoneSessionLockManager}.
 */
class NoneSessionLockManagerTests {

	private final NoneSessionLockManager manager = NoneSessionLockManager.INSTANCE;

	@Test
	void grantsEveryRequestALockAtOnce() {
		SessionLock first = this.manager.tryLock("a", Duration.ZERO);
		SessionLock second = this.manager.tryLock("a", Duration.ZERO);
		assertThat(first.sessionId()).isEqualTo("a");
		assertThat(second.sessionId()).isEqualTo("a");
		assertThat(this.manager.heldLocks()).isZero();
		first.release();
		second.release();
		assertThat(this.manager.type()).isEqualTo("none");
	}

}
