package dev.sessionstarter.store;

import org.junit.jupiter.api.Test;

import dev.sessionstarter.AllocatedBytes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link RequestStoreFailure}.
 */
class RequestStoreFailureTests {

	@Test
	void aBoundFailureIsThrownAgainUntilTheScopeCloses() {
		RequestStoreFailure failure = new RequestStoreFailure();
		StoreUnavailableException unavailable = new StoreUnavailableException("down", null);
		try (RequestStoreFailure.Scope scope = failure.bind()) {
			RequestStoreFailure.rememberForCurrent(unavailable);
			assertThatExceptionOfType(StoreUnavailableException.class).isThrownBy(RequestStoreFailure::throwIfFailed)
				.isSameAs(unavailable);
		}
		RequestStoreFailure.throwIfFailed();
		assertThat(failure.get()).isSameAs(unavailable);
	}

	@Test
	void aNestedBindingRestoresTheOuterOne() {
		RequestStoreFailure outer = new RequestStoreFailure();
		RequestStoreFailure inner = new RequestStoreFailure();
		StoreUnavailableException unavailable = new StoreUnavailableException("down", null);
		try (RequestStoreFailure.Scope outerScope = outer.bind()) {
			try (RequestStoreFailure.Scope innerScope = inner.bind()) {
				RequestStoreFailure.throwIfFailed();
			}
			RequestStoreFailure.rememberForCurrent(unavailable);
		}
		assertThat(outer.get()).isSameAs(unavailable);
		assertThat(inner.get()).isNull();
	}

	/**
	 * Every request binds its failure memory around the rest of the filter chain: the binding
	 * of a thread with nothing bound allocates nothing (it allocated 48 bytes: its closing action, and
	 * the thread's entry again, which it had removed).
	 */
	@Test
	void bindingOnAThreadWithNothingBoundAllocatesNothing() throws Exception {
		RequestStoreFailure failure = new RequestStoreFailure();
		double bytes = AllocatedBytes.perRun(20_000, () -> {
			try (RequestStoreFailure.Scope scope = failure.bind()) {
				RequestStoreFailure.throwIfFailed();
			}
		});
		assertThat(bytes).isZero();
	}

}
