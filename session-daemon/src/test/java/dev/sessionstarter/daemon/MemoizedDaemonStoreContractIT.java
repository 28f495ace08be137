package dev.sessionstarter.daemon;

import dev.sessionstarter.daemon.client.DaemonSessionStore;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedStoreContractTests;

/**
 * The store contract on the memoized store in validate coherence over the daemon store on a real
 * daemon process (a fresh one for each test).
 */
class MemoizedDaemonStoreContractIT extends MemoizedStoreContractTests {

	private final TestDaemon daemon = new TestDaemon();

	@Override
	protected SessionStore createDelegate() {
		return new DaemonSessionStore(this.daemon.start());
	}

	@Override
	protected Coherence coherence() {
		return Coherence.VALIDATE;
	}

	@Override
	protected void closeDelegate() {
		this.daemon.close();
	}

}
