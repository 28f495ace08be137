package dev.sessionstarter.store.memoized;

import dev.sessionstarter.lock.MemorySessionLockManager;
import dev.sessionstarter.lock.SessionLockManager;

/**
 * The store contract on the memoized store in exclusive coherence over a memory store, holding
 * an in-process lock on every cached id.
 */
class MemoizedExclusiveStoreContractTests extends MemoizedValidateStoreContractTests {

	@Override
	protected Coherence coherence() {
		return Coherence.EXCLUSIVE;
	}

	@Override
	protected SessionLockManager createLockManager() {
		return new MemorySessionLockManager();
	}

}
