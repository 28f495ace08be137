package dev.sessionstarter.store.memoized;

import java.time.Clock;

import org.junit.jupiter.api.AfterEach;

import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.SessionStoreContractTests;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * The store contract on the memoized store with no delegate, where the cache is the store.
 */
class MemoizedStandaloneStoreContractTests extends SessionStoreContractTests {

	private MemoizedSessionStore memoized;

	@Override
	protected SessionStore createStore() {
		this.memoized = MemoizedSessionStore
			.standalone(new MemorySessionStore(64L * 1024 * 1024, 100_000, 0.9, Clock.systemUTC()));
		return this.memoized;
	}

	@AfterEach
	void closeStore() {
		this.memoized.close();
	}

}
