package dev.sessionstarter.store.memoized;

import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.file.FileSessionLockManager;

/**
 * The store contract on the memoized store in exclusive coherence over the file store, holding
 * a cache file lock on every cached id.
 */
class MemoizedFileExclusiveStoreContractTests extends MemoizedFileValidateStoreContractTests {

	private FileSessionLockManager locks;

	@Override
	protected Coherence coherence() {
		return Coherence.EXCLUSIVE;
	}

	@Override
	protected SessionLockManager createLockManager() {
		this.locks = FileSessionLockManager.forCache(this.fileStore.getDirectory());
		return this.locks;
	}

	@Override
	protected void closeDelegate() {
		this.locks.close();
		super.closeDelegate();
	}

}
