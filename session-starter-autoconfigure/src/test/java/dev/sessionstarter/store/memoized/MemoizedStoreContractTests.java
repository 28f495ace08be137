package dev.sessionstarter.store.memoized;

import java.time.Clock;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;

import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.SessionStoreContractTests;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract on the memoized store in front of a delegate, in one coherence; each
 * subclass names the delegate and the coherence, and, for exclusive coherence, the lock manager
 * whose locks the cache holds on the sessions it caches.
 */
public abstract class MemoizedStoreContractTests extends SessionStoreContractTests {

	protected MemoizedSessionStore memoized;

	private @Nullable SessionLockManager locks;

	/**
	 * Create the delegate store, empty.
	 * @return the delegate
	 */
	protected abstract SessionStore createDelegate();

	/**
	 * Return the coherence of the cache.
	 * @return the coherence
	 */
	protected abstract Coherence coherence();

	/**
	 * Create the lock manager whose locks an exclusive cache holds.
	 * @return the manager, or {@code null} for none
	 */
	protected @Nullable SessionLockManager createLockManager() {
		return null;
	}

	@Override
	protected SessionStore createStore() {
		MemorySessionStore cache = new MemorySessionStore(64L * 1024 * 1024, 100_000, 0.9, Clock.systemUTC());
		this.memoized = new MemoizedSessionStore(createDelegate(), cache, coherence());
		this.locks = createLockManager();
		if (this.locks != null) {
			this.memoized.setLockManager(this.locks, Duration.ZERO);
		}
		return this.memoized;
	}

	@AfterEach
	void closeReleasesEveryLock() throws Exception {
		this.memoized.close();
		if (this.locks != null) {
			assertThat(this.locks.heldLocks()).isZero();
		}
		closeDelegate();
	}

	/**
	 * Close what the delegate and the lock manager hold, after the memoized store is closed.
	 * @throws Exception if closing fails
	 */
	protected void closeDelegate() throws Exception {
	}

}
