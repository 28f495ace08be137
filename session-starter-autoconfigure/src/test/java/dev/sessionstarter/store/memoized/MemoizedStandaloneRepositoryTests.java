package dev.sessionstarter.store.memoized;

import java.time.Clock;

import dev.sessionstarter.store.SessionRepositoryContractTests;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * The repository contract on the memoized store with no delegate, where the cache is the store.
 */
class MemoizedStandaloneRepositoryTests extends SessionRepositoryContractTests {

	@Override
	protected SessionStore createStore(Clock clock) {
		return MemoizedSessionStore.standalone(new MemorySessionStore(64L * 1024 * 1024, 100_000, 0.9, clock));
	}

}
