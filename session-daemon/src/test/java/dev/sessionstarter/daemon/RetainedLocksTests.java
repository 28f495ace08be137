package dev.sessionstarter.daemon;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link RetainedLocks}: the number of clients that retain locks is bounded.
 */
class RetainedLocksTests {

	private final RetainedLocks retained = new RetainedLocks(new LockTable(Duration.ofMinutes(1)));

	@Test
	void atMostMaxRetainersClientsRetainLocksAndAKnownOneIsStillServed() {
		for (long clientId = 1; clientId <= RetainedLocks.MAX_RETAINERS; clientId++) {
			assertThat(this.retained.retainer(clientId)).isNotNull();
		}
		assertThat(this.retained.retainerIfRoom(RetainedLocks.MAX_RETAINERS + 1)).isNull();
		assertThatIllegalStateException().isThrownBy(() -> this.retained.retainer(RetainedLocks.MAX_RETAINERS + 1))
			.withMessageContaining("Too many clients retain locks in this daemon (at most 4096)");
		assertThat(this.retained.retainer(1)).isNotNull();
	}

}
