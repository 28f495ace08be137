package dev.sessionstarter.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.lock.SessionLockManagerContractTests;


/**
 * The lock manager contract on {@link FileSessionLockManager} over a session directory. Its
 * locks are bytes of one lock file and its in-process state a fixed table, so what it could keep
 * per id is a file: the count is the directory's entries besides the lock file.
 */
class FileSessionLockManagerContractTests extends SessionLockManagerContractTests {

	@TempDir
	Path dir;

	@Override
	protected SessionLockManager createManager() {
		return new FileSessionLockManager(this.dir);
	}

	@Override
	protected long retained() {
		try (Stream<Path> files = Files.list(this.dir)) {
			return files.filter((file) -> !file.getFileName().toString().equals(LockTable.FILE_NAME)).count();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@AfterEach
	void closeManager() {
		((FileSessionLockManager) this.manager).close();
	}

}
