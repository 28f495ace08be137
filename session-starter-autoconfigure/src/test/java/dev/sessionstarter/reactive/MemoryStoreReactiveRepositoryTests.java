package dev.sessionstarter.reactive;

import java.time.Clock;

import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

class MemoryStoreReactiveRepositoryTests extends ReactiveSessionRepositoryContractTests {

	@Override
	protected SessionStore createStore(Clock clock) {
		return new MemorySessionStore(64L * 1024 * 1024, 0.75, clock);
	}

}
