package dev.sessionstarter.store.memoized;

import java.time.Clock;

import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionRepositoryContractTests;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository contract on the memoized store in validate coherence over a memory store.
 */
class MemoizedValidateRepositoryTests extends SessionRepositoryContractTests {

	protected MemorySessionStore delegate;

	protected MemorySessionStore cache;

	protected MemoizedSessionStore store;

	@Override
	protected SessionStore createStore(Clock clock) {
		this.delegate = new MemorySessionStore(64L * 1024 * 1024, 0.75, clock);
		this.cache = new MemorySessionStore(64L * 1024 * 1024, 100_000, 0.9, clock);
		this.store = new MemoizedSessionStore(this.delegate, this.cache, coherence());
		return this.store;
	}

	protected Coherence coherence() {
		return Coherence.VALIDATE;
	}

	@Override
	protected void assertConsistent() {
		for (String id : MemoizedTestSupport.ids(this.cache)) {
			SessionRecord cached = this.cache.find(id);
			SessionRecord stored = this.delegate.find(id);
			assertThat(stored).as("cached session %s is stored", id).isNotNull();
			assertThat(cached.version()).as("cached copy of %s is current", id).isEqualTo(stored.version());
		}
		assertThat(this.store.cacheStatistics().hits()).isPositive();
	}

}
