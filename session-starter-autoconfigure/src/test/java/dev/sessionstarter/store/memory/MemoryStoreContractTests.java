package dev.sessionstarter.store.memory;

import java.time.Clock;

import org.junit.jupiter.api.AfterEach;

import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.SessionStoreContractTests;

/**
 * The store contract on the memory store.
 */
class MemoryStoreContractTests extends SessionStoreContractTests {

	private MemorySessionStore memory;

	@Override
	protected SessionStore createStore() {
		this.memory = new MemorySessionStore(64L * 1024 * 1024, 0.75, Clock.systemUTC());
		return this.memory;
	}

	@AfterEach
	void staysConsistent() {
		MemoryStoreInvariants.assertPrincipalIndexConsistent(this.memory);
	}

}
