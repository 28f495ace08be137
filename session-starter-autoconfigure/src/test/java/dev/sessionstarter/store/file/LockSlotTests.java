package dev.sessionstarter.store.file;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.lock.SessionLock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of how the file lock table spreads ids over its slots (issue 14, item 4): ids that
 * share a slot never keep each other out within one JVM (a request holding both never waits
 * for itself), and which ids share a slot is decided by a random key kept in the lock file,
 * not by anything a client can compute.
 */
class LockSlotTests {

	/**
	 * Ids whose {@link String#hashCode()} is equal, as {@code SESSION=QWE=; SESSION=QkI=} name.
	 */
	private static final String[][] HASH_CODE_TWINS = { { "Aa", "BB" }, { "AaAa", "BBBB" }, { "AaBB", "BBAa" },
			{ "AaAaAa", "BBBBBB" }, { "Ab", "BC" } };

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
	@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void holderOfOneIdOfASlotTakesAnotherIdOfThatSlotAtOnce() throws Exception {
		String[] ids = idsOfOneSlot(this.dir);
		try (SessionLock first = this.manager.tryLock(ids[0], Duration.ofSeconds(5))) {
			long start = System.nanoTime();
			try (SessionLock second = this.manager.tryLock(ids[1], Duration.ofSeconds(20))) {
				assertThat(second).as("lock on %s while holding %s", ids[1], ids[0]).isNotNull();
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
				assertThat(tryLockElsewhere(ids[0])).as("the first id, still held").isFalse();
				assertThat(tryLockElsewhere(ids[1])).as("the second id, still held").isFalse();
			}
			assertThat(tryLockElsewhere(ids[1])).as("the second id, released").isTrue();
		}
		assertThat(tryLockElsewhere(ids[0])).as("the first id, released").isTrue();
	}

	@Test
	void idsOfEqualHashCodeDoNotShareASlotPredictably() {
		int shared = 0;
		for (String[] twins : HASH_CODE_TWINS) {
			if (slot(this.dir, twins[0]) == slot(this.dir, twins[1])) {
				shared++;
			}
		}
		assertThat(shared).as("pairs of equal hash code in one slot").isLessThan(HASH_CODE_TWINS.length);
	}

	@Test
	void slotsDependOnTheDirectoryAndAreKeptByItsLockFile(@TempDir Path other) {
		Map<String, Integer> slots = new HashMap<>();
		int differ = 0;
		LockTable otherTable = LockTable.open(real(other));
		try {
			for (int i = 0; i < 32; i++) {
				String id = "id-" + i;
				slots.put(id, slot(this.dir, id));
				if (slots.get(id) != slot(other, id)) {
					differ++;
				}
			}
		}
		finally {
			otherTable.close();
		}
		assertThat(differ).as("ids whose slot differs between two directories").isPositive();
		this.manager.close();
		this.store.close();
		this.store = new FileSessionStore(this.dir, FileFormat.BINARY, false);
		this.manager = new FileSessionLockManager(this.store);
		slots.forEach((id, slot) -> assertThat(slot(this.dir, id)).as("slot of %s after a reopen", id).isEqualTo(slot));
	}

	@Test
	@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void idsOfOneSlotTakenAndGivenBackByTwoThreadsAtOnceNeverOverlapInTheJvm() throws Exception {
		// The last holder of a slot gives its OS lock back while the other thread asks the OS
		// for it: the JDK refuses a range the JVM still holds (OverlappingFileLockException)
		String[] ids = idsOfOneSlot(this.dir);
		CompletableFuture<?>[] threads = new CompletableFuture<?>[ids.length];
		for (int t = 0; t < ids.length; t++) {
			String id = ids[t];
			threads[t] = CompletableFuture.runAsync(() -> {
				for (int i = 0; i < 20_000; i++) {
					try (SessionLock lock = this.manager.tryLock(id, Duration.ofSeconds(30))) {
						assertThat(lock).isNotNull();
					}
					catch (InterruptedException ex) {
						throw new IllegalStateException(ex);
					}
				}
			});
		}
		CompletableFuture.allOf(threads).get(100, TimeUnit.SECONDS);
	}

	private boolean tryLockElsewhere(String id) throws Exception {
		return CompletableFuture.supplyAsync(() -> {
			try (SessionLock lock = this.manager.tryLock(id, Duration.ofMillis(50))) {
				return lock != null;
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		}).get(30, TimeUnit.SECONDS);
	}

	/**
	 * Return two different ids that the lock table of a directory puts in one slot.
	 */
	static String[] idsOfOneSlot(Path dir) {
		Map<Integer, String> seen = new HashMap<>();
		while (true) {
			String id = UUID.randomUUID().toString();
			String other = seen.putIfAbsent(slot(dir, id), id);
			if (other != null) {
				return new String[] { other, id };
			}
		}
	}

	private static Path real(Path dir) {
		return FileOperations.createDirectory(dir);
	}

	static int slot(Path dir, String id) {
		LockTable table = LockTable.open(real(dir));
		try {
			return table.slot(id);
		}
		finally {
			table.close();
		}
	}

}
