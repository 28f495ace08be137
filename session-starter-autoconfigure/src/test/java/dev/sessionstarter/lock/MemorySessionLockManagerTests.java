package dev.sessionstarter.lock;

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

}
