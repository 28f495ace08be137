package dev.sessionstarter.store.memoized;

import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;

import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.file.FileSessionLockManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository contract on the memoized store in exclusive coherence over the file store,
 * holding a cache file lock on every cached id.
 */
class MemoizedFileExclusiveRepositoryTests extends MemoizedFileValidateRepositoryTests {

	private FileSessionLockManager locks;

	@Override
	protected SessionStore createStore(Clock clock) {
		SessionStore store = super.createStore(clock);
		this.locks = FileSessionLockManager.forCache(this.fileStore.getDirectory());
		this.store.setLockManager(this.locks, Duration.ZERO);
		return store;
	}

	@Override
	protected Coherence coherence() {
		return Coherence.EXCLUSIVE;
	}

	@AfterEach
	void closeLocks() {
		this.store.close();
		assertThat(this.locks.heldLocks()).isZero();
		this.locks.close();
	}

	@Override
	protected void assertConsistent() {
		super.assertConsistent();
		assertThat(this.locks.heldLocks()).isEqualTo(this.cache.usage().sessions());
	}

}
