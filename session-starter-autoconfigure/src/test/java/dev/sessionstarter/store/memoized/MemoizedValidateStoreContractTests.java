package dev.sessionstarter.store.memoized;

import java.time.Clock;

import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * The store contract on the memoized store in validate coherence over a memory store.
 */
class MemoizedValidateStoreContractTests extends MemoizedStoreContractTests {

	@Override
	protected SessionStore createDelegate() {
		return new MemorySessionStore(64L * 1024 * 1024, 0.75, Clock.systemUTC());
	}

	@Override
	protected Coherence coherence() {
		return Coherence.VALIDATE;
	}

}
