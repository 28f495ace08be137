package dev.sessionstarter.store.file;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.SessionStoreContractTests;

/**
 * The store contract on the file store in the binary format; {@link FileJsonStoreContractTests}
 * runs it in the json format.
 */
class FileStoreContractTests extends SessionStoreContractTests {

	@TempDir
	Path dir;

	private FileSessionStore fileStore;

	@Override
	protected SessionStore createStore() {
		this.fileStore = new FileSessionStore(this.dir, format(), false);
		return this.fileStore;
	}

	/**
	 * Return the format the store writes.
	 * @return the format
	 */
	protected FileFormat format() {
		return FileFormat.BINARY;
	}

	@AfterEach
	void closeStore() {
		this.fileStore.close();
	}

}
