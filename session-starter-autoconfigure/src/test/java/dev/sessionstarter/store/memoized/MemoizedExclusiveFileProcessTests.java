package dev.sessionstarter.store.memoized;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.MutableClock;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.file.FileSessionLockManager;
import dev.sessionstarter.store.file.FileSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exclusive coherence over the file store with its real OS file locks: while this JVM caches a
 * session, a second JVM on the same directory cannot take the session's lock; it can once the
 * session leaves the cache by delete, eviction or expiry (found by the purge, or by a read).
 */
class MemoizedExclusiveFileProcessTests {

	@TempDir
	Path dir;

	private final MutableClock clock = new MutableClock(Instant.now());

	private FileSessionStore fileStore;

	private FileSessionLockManager locks;

	private MemoizedSessionStore store;

	private StoreSessionRepository repository;

	@BeforeEach
	void createStore() {
		this.fileStore = new FileSessionStore(this.dir, FileFormat.BINARY, false);
		this.locks = FileSessionLockManager.forCache(this.fileStore.getDirectory());
		this.store = new MemoizedSessionStore(this.fileStore, new MemorySessionStore(64L * 1024 * 1024, 2, 0.5,
				this.clock), Coherence.EXCLUSIVE);
		this.store.setLockManager(this.locks, Duration.ZERO);
		this.repository = new StoreSessionRepository(this.store, new JavaSessionSerializer(List.of(), null));
		this.repository.setClock(this.clock);
	}

	@AfterEach
	void closeStore() {
		this.store.close();
		this.locks.close();
		this.fileStore.close();
	}

	@Test
	void anotherProcessCannotTakeTheLockOfACachedSessionUntilItIsDeleted() throws Exception {
		String id = saved();
		assertThat(tryLockInAnotherProcess(id)).containsExactly("busy");
		this.repository.deleteById(id);
		assertThat(tryLockInAnotherProcess(id)).containsExactly("locked");
	}

	@Test
	void theLockIsReleasedWhenTheSessionIsEvictedFromTheCache() throws Exception {
		String first = saved();
		this.clock.advance(Duration.ofSeconds(1));
		String second = saved();
		this.clock.advance(Duration.ofSeconds(1));
		String third = saved();
		assertThat(this.store.cacheStatistics().evictions()).isPositive();
		assertThat(tryLockInAnotherProcess(first, third)).containsExactly("locked", "busy");
		assertThat(this.repository.findById(first)).isNotNull();
		assertThat(this.repository.findById(second)).isNotNull();
	}

	@Test
	void theLockIsReleasedWhenTheSessionExpires() throws Exception {
		String id = saved();
		this.clock.advance(Duration.ofHours(1));
		assertThat(this.repository.purgeExpiredSessions()).isOne();
		assertThat(tryLockInAnotherProcess(id)).containsExactly("locked");
		assertThat(this.locks.heldLocks()).isZero();
	}

	@Test
	void theLockIsReleasedWhenAnExpiredSessionIsRead() throws Exception {
		String id = saved();
		this.clock.advance(Duration.ofHours(1));
		assertThat(this.repository.findById(id)).isNull();
		assertThat(tryLockInAnotherProcess(id)).containsExactly("locked");
		assertThat(this.locks.heldLocks()).isZero();
		assertThat(this.dir.resolve(id + ".session")).doesNotExist();
	}

	@Test
	void locksTakenOnRequestThreadsAreReleasedOnAnother() throws Exception {
		String id = saved();
		Thread other = new Thread(() -> this.repository.deleteById(id));
		other.start();
		other.join();
		assertThat(tryLockInAnotherProcess(id)).containsExactly("locked");
	}

	private String saved() {
		StoredSession session = this.repository.createSession();
		session.setAttribute("a", 1);
		this.repository.save(session);
		return session.getId();
	}

	private List<String> tryLockInAnotherProcess(String... ids) throws IOException, InterruptedException {
		return MemoizedChildProcess.tryLockInAnotherProcess(this.dir, ids);
	}

}
