package dev.sessionstarter.lock;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.sessionstarter.AllocatedBytes;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lock manager contract on {@link MemorySessionLockManager}, counting its entries: one per
 * id that a request holds or waits for.
 */
class MemorySessionLockManagerTests extends SessionLockManagerContractTests {

	@Override
	protected SessionLockManager createManager() {
		return new MemorySessionLockManager();
	}

	@Override
	protected long retained() {
		return ((MemorySessionLockManager) this.manager).entries();
	}

	/**
	 * A lock nobody else wants is its map entry, taken held, and the handle the request
	 * releases: 96 bytes. It was 200 (a semaphore and its sync per entry, a release
	 * closure and a flag per handle, the map's reservation node of a compute).
	 */
	@Test
	void anUncontendedLockAllocatesItsEntryAndItsHandleOnly() throws Exception {
		String id = "3f2c9a1e-5b7d-4c8e-9f0a-1b2c3d4e5f60";
		double bytes = AllocatedBytes.perRun(20_000, () -> {
			this.manager.tryLock(id, Duration.ZERO).release();
		});
		assertThat(bytes).isLessThanOrEqualTo(120);
		assertThat(retained()).isZero();
	}

}
