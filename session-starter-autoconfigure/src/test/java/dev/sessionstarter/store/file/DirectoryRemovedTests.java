package dev.sessionstarter.store.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.FileSystemUtils;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoreUnavailableException;
import dev.sessionstarter.store.StoredSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests of a session directory deleted while the store uses it (issue 14, item 7): the store
 * creates it again, owner-only, with a lock file every process of the directory agrees on.
 */
class DirectoryRemovedTests {

	@TempDir
	Path parent;

	private FileSessionStore store;

	private FileSessionLockManager locks;

	@AfterEach
	void close() {
		if (this.locks != null) {
			this.locks.close();
		}
		if (this.store != null) {
			this.store.close();
		}
	}

	@Test
	void storeCreatesItsDirectoryAgainAndKeepsWorking() throws Exception {
		Path dir = this.parent.resolve("sessions");
		this.store = new FileSessionStore(dir, FileFormat.BINARY, false);
		this.locks = new FileSessionLockManager(this.store);
		StoreSessionRepository repository = repository();
		StoredSession kept = repository.createSession();
		kept.setAttribute("a", 1);
		repository.save(kept);

		FileSystemUtils.deleteRecursively(dir);

		assertThat(repository.findById(kept.getId())).isNull();
		StoredSession session = repository.createSession();
		session.setAttribute("a", 2);
		try (SessionLock lock = this.locks.tryLock(session.getId(), Duration.ofSeconds(5))) {
			assertThat(lock).isNotNull();
			repository.save(session);
		}
		assertThat(repository.findById(session.getId()).<Integer>getAttribute("a")).isEqualTo(2);
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
		assertThat(dir.resolve(LockTable.FILE_NAME)).isRegularFile();
	}

	@Test
	void locksTakenAfterTheDirectoryIsCreatedAgainAreInItsNewLockFile() throws Exception {
		assumeThat(Path.of("/proc/locks")).as("Linux lists its file locks").exists();
		Path dir = this.parent.resolve("sessions");
		this.store = new FileSessionStore(dir, FileFormat.BINARY, false);
		this.locks = new FileSessionLockManager(this.store);
		try (SessionLock lock = this.locks.tryLock("before", Duration.ofSeconds(5))) {
			assertThat(lock).isNotNull();
		}
		FileSystemUtils.deleteRecursively(dir);
		Files.createDirectory(dir);
		Path lockFile = Files.createFile(dir.resolve(LockTable.FILE_NAME));
		long inode = (Long) Files.getAttribute(lockFile, "unix:ino");

		try (SessionLock lock = this.locks.tryLock("after", Duration.ofSeconds(5))) {
			assertThat(lock).isNotNull();
			assertThat(Files.readAllLines(Path.of("/proc/locks")))
				.as("locks held on the new lock file, inode %d", inode)
				.anyMatch((line) -> line.contains(":" + inode + " ")
						&& line.contains(" " + ProcessHandle.current().pid() + " "));
		}
	}

	@Test
	void directoryThatCannotBeCreatedAgainMakesLocksUnavailableAndHealthDown() throws Exception {
		Path dir = this.parent.resolve("sessions");
		this.store = new FileSessionStore(dir, FileFormat.BINARY, false);
		this.locks = new FileSessionLockManager(this.store);
		FileSystemUtils.deleteRecursively(dir);
		Files.write(dir, new byte[] { 1 });

		assertThatExceptionOfType(StoreUnavailableException.class)
			.isThrownBy(() -> this.locks.tryLock("session-1", Duration.ofSeconds(1)))
			.withMessageContaining(LockTable.FILE_NAME);
		assertThatIllegalStateException().isThrownBy(this.store::checkDirectory)
			.withMessageContaining("is not a directory");
	}

	private StoreSessionRepository repository() {
		StoreSessionRepository repository = new StoreSessionRepository(this.store,
				new JavaSessionSerializer(List.of(), null));
		repository.setDefaultMaxInactiveInterval(Duration.ofHours(1));
		return repository;
	}

}
