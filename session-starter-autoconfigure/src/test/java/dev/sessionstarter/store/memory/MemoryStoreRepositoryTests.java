package dev.sessionstarter.store.memory;

import java.time.Clock;

import dev.sessionstarter.store.SessionRepositoryContractTests;
import dev.sessionstarter.store.SessionStore;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryStoreRepositoryTests extends SessionRepositoryContractTests {

	private MemorySessionStore store;

	@Override
	protected SessionStore createStore(Clock clock) {
		this.store = new MemorySessionStore(64L * 1024 * 1024, 0.75, clock);
		return this.store;
	}

	@Override
	protected void assertConsistent() {
		assertThat(MemoryStoreInvariants.countedBytes(this.store)).isEqualTo(this.store.usage().bytes());
		MemoryStoreInvariants.assertPrincipalIndexConsistent(this.store);
	}

}
