package dev.sessionstarter.store.file;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
 * Tests for {@link FileSessionLockManager}.
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
	void lockIsExclusiveUntilReleased() throws Exception {
		SessionLock lock = this.manager.tryLock("session-1", Duration.ofSeconds(1));
		assertThat(lock).isNotNull();
		assertThat(lock.sessionId()).isEqualTo("session-1");
		assertThat(this.manager.heldLocks()).isOne();

		assertThat(CompletableFuture.supplyAsync(() -> tryLock("session-1", Duration.ofMillis(50))).get()).isNull();

		lock.release();
		lock.release();
		assertThat(this.manager.heldLocks()).isZero();
		SessionLock again = CompletableFuture.supplyAsync(() -> tryLock("session-1", Duration.ofSeconds(5))).get();
		assertThat(again).isNotNull();
		again.close();
		assertThat(this.manager.heldLocks()).isZero();
	}

	@Test
	void waiterGetsTheLockWhenItIsReleased() throws Exception {
		SessionLock lock = this.manager.tryLock("session-1", Duration.ofSeconds(1));
		CountDownLatch waiting = new CountDownLatch(1);
		CompletableFuture<SessionLock> waiter = CompletableFuture.supplyAsync(() -> {
			waiting.countDown();
			return tryLock("session-1", Duration.ofSeconds(30));
		});
		waiting.await();
		lock.release();
		SessionLock acquired = waiter.get(30, TimeUnit.SECONDS);
		assertThat(acquired).isNotNull();
		acquired.release();
	}

	@Test
	void locksOfDifferentSlotsAreIndependentAndReleasedOnAnyThread() throws Exception {
		String first = "a";
		String second = "b";
		assertThat(LockTable.slot(first)).isNotEqualTo(LockTable.slot(second));
		SessionLock one = this.manager.tryLock(first, Duration.ofSeconds(1));
		SessionLock two = this.manager.tryLock(second, Duration.ofSeconds(1));
		assertThat(one).isNotNull();
		assertThat(two).isNotNull();
		assertThat(this.manager.heldLocks()).isEqualTo(2);
		CompletableFuture.runAsync(one::release).get();
		two.release();
		assertThat(this.manager.heldLocks()).isZero();
	}

	@Test
	void timeoutTooLongForNanosecondsWaitsWithoutLimit() throws Exception {
		try (SessionLock lock = this.manager.tryLock("session-1", Duration.ofSeconds(Long.MAX_VALUE))) {
			assertThat(lock).isNotNull();
		}
		assertThat(this.manager.heldLocks()).isZero();
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

	private SessionLock tryLock(String id, Duration timeout) {
		try {
			return this.manager.tryLock(id, timeout);
		}
		catch (InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
