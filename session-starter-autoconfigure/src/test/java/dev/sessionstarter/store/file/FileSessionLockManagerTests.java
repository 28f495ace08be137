package dev.sessionstarter.store.file;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link FileSessionLockManager} beyond the lock manager contract
 * ({@link FileSessionLockManagerContractTests}): ids it refuses, the store writing under a
 * request lock, and managers of one directory sharing its locks.
 */
class FileSessionLockManagerTests {

	@TempDir
	Path dir;

	private FileSessionStore store;

	private FileSessionLockManager manager;

	@BeforeEach
	void open() {
		this.store = new FileSessionStore(this.dir, FileFormat.BINARY, false);
		this.manager = new FileSessionLockManager(this.store);
	}

	@AfterEach
	void close() {
		this.manager.close();
		this.store.close();
	}

	@Test
	void invalidIdIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.manager.tryLock("../x", Duration.ofSeconds(1)));
	}

	@Test
	void storeWritesWhileTheRequestLockIsHeld() throws Exception {
		StoreSessionRepository repository = new StoreSessionRepository(this.store,
				new JavaSessionSerializer(List.of(), null));
		StoredSession session = repository.createSession();
		try (SessionLock lock = this.manager.tryLock(session.getId(), Duration.ofSeconds(1))) {
			session.setAttribute("a", 1);
			repository.save(session);
		}
		assertThat(repository.findById(session.getId()).<Integer>getAttribute("a")).isOne();
	}

	@Test
	void aRequestThatFindsAndSavesItsSessionAsksTheOsForOneLockAndGivesItBack() throws Exception {
		StoreSessionRepository repository = new StoreSessionRepository(this.store,
				new JavaSessionSerializer(List.of(), null));
		StoredSession session = repository.createSession();
		session.setAttribute("count", 0);
		repository.save(session);
		increment(repository, session.getId());
		long before = OsLockCalls.count();
		increment(repository, session.getId());
		assertThat(OsLockCalls.count() - before).isEqualTo(2);
		assertThat(repository.findById(session.getId()).<Integer>getAttribute("count")).isEqualTo(2);
	}

	@Test
	void aSaveWithoutTheRequestLockStillTakesTheRecordLock() {
		StoreSessionRepository repository = new StoreSessionRepository(this.store,
				new JavaSessionSerializer(List.of(), null));
		StoredSession session = repository.createSession();
		repository.save(session);
		StoredSession found = repository.findById(session.getId());
		found.setAttribute("a", 1);
		long before = OsLockCalls.count();
		repository.save(found);
		assertThat(OsLockCalls.count() - before).isEqualTo(2);
	}

	private void increment(StoreSessionRepository repository, String id) throws InterruptedException {
		try (SessionLock lock = this.manager.tryLock(id, Duration.ofSeconds(1))) {
			StoredSession found = repository.findById(id);
			found.setAttribute("count", found.<Integer>getAttribute("count") + 1);
			repository.save(found);
		}
	}

	@Test
	void managersOnOneDirectoryShareItsLocks() throws Exception {
		try (FileSessionLockManager other = new FileSessionLockManager(this.dir.resolve("."))) {
			SessionLock lock = this.manager.tryLock("session-1", Duration.ofSeconds(1));
			assertThat(CompletableFuture.supplyAsync(() -> {
				try {
					return other.tryLock("session-1", Duration.ofMillis(50));
				}
				catch (InterruptedException ex) {
					throw new IllegalStateException(ex);
				}
			}).get()).isNull();
			lock.release();
		}
	}

}
