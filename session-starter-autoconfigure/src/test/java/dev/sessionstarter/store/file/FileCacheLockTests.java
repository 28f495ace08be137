package dev.sessionstarter.store.file;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.store.memoized.MemoizedChildProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache locks of {@link FileSessionLockManager#forCache(Path)}: spread over a few lock
 * files, so different ids share an OS lock, which one JVM shares among its own ids while
 * another process cannot take it.
 */
class FileCacheLockTests {

	@TempDir
	Path dir;

	private FileSessionLockManager locks;

	@BeforeEach
	void createLocks() {
		this.locks = FileSessionLockManager.forCache(this.dir);
	}

	@AfterEach
	void closeLocks() {
		this.locks.close();
	}

	@Test
	void idsSharingASlotCanBothBeHeldInOneJvmButNeitherTwiceNorByAnotherProcess() throws Exception {
		String[] pair = idsSharingASlot();
		assertThat(pair[0]).isNotEqualTo(pair[1]);
		SessionLock first = this.locks.tryLock(pair[0], Duration.ZERO);
		SessionLock second = this.locks.tryLock(pair[1], Duration.ZERO);
		assertThat(first).isNotNull();
		assertThat(second).isNotNull();
		assertThat(this.locks.heldLocks()).isEqualTo(2);
		assertThat(this.locks.tryLock(pair[0], Duration.ZERO)).isNull();
		assertThat(this.locks.tryLock(pair[1], Duration.ZERO)).isNull();
		assertThat(tryLockInAnotherProcess(pair[0], pair[1])).containsExactly("busy", "busy");
		first.release();
		assertThat(this.locks.heldLocks()).isOne();
		assertThat(tryLockInAnotherProcess(pair[0], pair[1])).as("the shared OS lock is still held")
			.containsExactly("busy", "busy");
		SessionLock again = this.locks.tryLock(pair[0], Duration.ZERO);
		assertThat(again).isNotNull();
		again.release();
		second.release();
		assertThat(this.locks.heldLocks()).isZero();
		assertThat(tryLockInAnotherProcess(pair[0], pair[1])).containsExactly("locked", "locked");
	}

	/**
	 * Find two ids that hash to the same cache lock file and the same slot in it.
	 */
	private String[] idsSharingASlot() throws IOException {
		Path locks = this.dir.toRealPath().resolve(FileSessionLockManager.CACHE_DIR);
		LockTable[] tables = new LockTable[FileSessionLockManager.CACHE_SHARDS];
		for (int i = 0; i < tables.length; i++) {
			tables[i] = LockTable.open(locks, Integer.toString(i), FileSessionLockManager.CACHE_SLOTS_PER_SHARD);
		}
		try {
			Map<Long, String> seen = new HashMap<>();
			for (int i = 0;; i++) {
				String id = "session-" + i;
				int shard = tables[0].shard(id, FileSessionLockManager.CACHE_SHARDS);
				long key = ((long) shard << 32) | tables[shard].slot(id);
				String other = seen.putIfAbsent(key, id);
				if (other != null) {
					return new String[] { other, id };
				}
			}
		}
		finally {
			for (LockTable table : tables) {
				table.close();
			}
		}
	}

	private List<String> tryLockInAnotherProcess(String... ids) throws IOException, InterruptedException {
		return MemoizedChildProcess.tryLockInAnotherProcess(this.dir, ids);
	}

}
