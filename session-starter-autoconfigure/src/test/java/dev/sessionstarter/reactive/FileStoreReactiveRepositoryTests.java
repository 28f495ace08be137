package dev.sessionstarter.reactive;

import java.nio.file.Path;
import java.time.Clock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.file.FileSessionStore;

class FileStoreReactiveRepositoryTests extends ReactiveSessionRepositoryContractTests {

	@TempDir
	Path dir;

	private FileSessionStore store;

	@Override
	protected SessionStore createStore(Clock clock) {
		this.store = new FileSessionStore(this.dir, FileFormat.BINARY, false);
		return this.store;
	}

	@AfterEach
	void closeStore() {
		this.store.close();
	}

}
