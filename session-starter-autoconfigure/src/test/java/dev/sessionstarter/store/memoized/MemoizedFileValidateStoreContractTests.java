package dev.sessionstarter.store.memoized;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.file.FileSessionStore;

/**
 * The store contract on the memoized store in validate coherence over the file store.
 */
class MemoizedFileValidateStoreContractTests extends MemoizedStoreContractTests {

	@TempDir
	Path dir;

	protected FileSessionStore fileStore;

	@Override
	protected SessionStore createDelegate() {
		this.fileStore = new FileSessionStore(this.dir, FileFormat.BINARY, false);
		return this.fileStore;
	}

	@Override
	protected Coherence coherence() {
		return Coherence.VALIDATE;
	}

	@Override
	protected void closeDelegate() {
		this.fileStore.close();
	}

}
