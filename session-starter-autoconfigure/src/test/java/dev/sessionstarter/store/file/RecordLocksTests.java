package dev.sessionstarter.store.file;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RecordLocks}.
 */
class RecordLocksTests {

	@TempDir
	Path dir;

	private LockTable table;

	private RecordLocks locks;

	@BeforeEach
	void openTable() throws Exception {
		this.table = LockTable.open(this.dir.toRealPath());
		this.locks = new RecordLocks(this.table);
	}

	@AfterEach
	void closeTable() {
		this.table.close();
	}

	@Test
	void aRenameHoldsBothIdsUntilItIsReleased() throws Exception {
		try (HeldLock held = this.locks.lock("one", "two")) {
			assertThat(isFree("one")).isFalse();
			assertThat(isFree("two")).isFalse();
		}
		assertThat(isFree("one")).isTrue();
		assertThat(isFree("two")).isTrue();
	}

	@Test
	void idsOfOneSlotAreLockedOnce() throws Exception {
		String other = sameSlotAs("one");
		try (HeldLock held = this.locks.lock("one", other)) {
			assertThat(isFree(other)).isFalse();
		}
		assertThat(isFree("one")).isTrue();
	}

	@Test
	void aChangeWithoutRenameHoldsItsIdOnly() throws Exception {
		try (HeldLock held = this.locks.lock("one", null)) {
			assertThat(isFree("one")).isFalse();
			assertThat(isFree("two")).isTrue();
		}
	}

	private boolean isFree(String id) throws InterruptedException {
		HeldLock held = this.table.acquire(id, LockKind.RECORD, 0);
		if (held != null) {
			held.close();
		}
		return held != null;
	}

	private String sameSlotAs(String id) {
		for (int i = 0;; i++) {
			String candidate = "id" + i;
			if (this.table.slot(candidate) == this.table.slot(id)) {
				return candidate;
			}
		}
	}

}
