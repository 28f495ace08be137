package dev.sessionstarter.store.file;

import java.nio.file.Path;
import java.time.Clock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.store.SessionRepositoryContractTests;
import dev.sessionstarter.store.SessionStore;

/**
 * The repository contract over the file store, binary files on disk.
 */
class FileStoreRepositoryTests extends SessionRepositoryContractTests {

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
