package dev.sessionstarter.store.memoized;

import java.time.Clock;
import java.time.Duration;

import dev.sessionstarter.lock.MemorySessionLockManager;
import dev.sessionstarter.store.SessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository contract on the memoized store in exclusive coherence over a memory store,
 * holding a lock on every cached id.
 */
class MemoizedExclusiveRepositoryTests extends MemoizedValidateRepositoryTests {

	private final MemorySessionLockManager locks = new MemorySessionLockManager();

	@Override
	protected SessionStore createStore(Clock clock) {
		SessionStore store = super.createStore(clock);
		this.store.setLockManager(this.locks, Duration.ZERO);
		return store;
	}

	@Override
	protected Coherence coherence() {
		return Coherence.EXCLUSIVE;
	}

	@Override
	protected void assertConsistent() {
		super.assertConsistent();
		for (String id : MemoizedTestSupport.ids(this.cache)) {
			assertThat(MemoizedTestSupport.isLocked(this.locks, id)).as("cached session %s is locked", id).isTrue();
		}
		assertThat(this.locks.heldLocks()).isEqualTo(this.cache.usage().sessions());
	}

}
