package dev.sessionstarter.reactive;

import java.nio.file.Path;
import java.time.Clock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.file.FileSessionStore;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

class MemoizedFileReactiveRepositoryTests extends ReactiveSessionRepositoryContractTests {

	@TempDir
	Path dir;

	private FileSessionStore fileStore;

	private MemoizedSessionStore store;

	@Override
	protected SessionStore createStore(Clock clock) {
		this.fileStore = new FileSessionStore(this.dir, FileFormat.BINARY, false);
		this.store = new MemoizedSessionStore(this.fileStore,
				new MemorySessionStore(64L * 1024 * 1024, 100_000, 0.9, clock), Coherence.VALIDATE);
		return this.store;
	}

	@AfterEach
	void closeStore() {
		this.store.close();
		this.fileStore.close();
	}

}
