package dev.sessionstarter.store;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RemoteUsage}.
 */
class RemoteUsageTests {

	private final AtomicInteger reads = new AtomicInteger();

	@Test
	void readsTheFiguresEachTime() {
		RemoteUsage usage = new RemoteUsage(StoreUsage.EMPTY,
				() -> new StoreUsage(this.reads.incrementAndGet(), 0, 0), StoreUnavailableException.class::isInstance);
		assertThat(usage.get().sessions()).isEqualTo(1);
		assertThat(usage.get().sessions()).isEqualTo(2);
	}

	@Test
	void keepsTheLastFiguresWithoutAskingAgainRightAfterAFailure() {
		AtomicInteger calls = new AtomicInteger();
		RemoteUsage usage = new RemoteUsage(StoreUsage.EMPTY, () -> {
			if (calls.incrementAndGet() > 1) {
				throw new StoreUnavailableException("away", null);
			}
			return new StoreUsage(7, 0, 0);
		}, StoreUnavailableException.class::isInstance);
		assertThat(usage.get().sessions()).isEqualTo(7);
		assertThat(usage.get().sessions()).isEqualTo(7);
		assertThat(usage.get().sessions()).isEqualTo(7);
		assertThat(calls).hasValue(2);
	}

	@Test
	void throwsWhatIsNoFailureOfTheProcess() {
		RemoteUsage usage = new RemoteUsage(StoreUsage.EMPTY, () -> {
			throw new IllegalArgumentException("bug");
		}, StoreUnavailableException.class::isInstance);
		assertThatIllegalArgumentException().isThrownBy(usage::get);
	}

}
