package dev.sessionstarter.daemon.client;

import org.junit.jupiter.api.Test;

import dev.sessionstarter.store.SessionRecord;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DaemonSessionCopies}: the last copy of each session, bounded in bytes.
 */
class DaemonSessionCopiesTests {

	@Test
	void keepsTheLastCopyOfASession() {
		DaemonSessionCopies copies = new DaemonSessionCopies(DaemonSessionCopies.DEFAULT_MAX_BYTES);
		copies.keep(record("a", 1, 10));
		SessionRecord newer = record("a", 2, 10);
		copies.keep(newer);
		assertThat(copies.get("a")).isSameAs(newer);
		assertThat(copies.size()).isOne();
	}

	@Test
	void forgetsACopyAndItsBytes() {
		DaemonSessionCopies copies = new DaemonSessionCopies(DaemonSessionCopies.DEFAULT_MAX_BYTES);
		copies.keep(record("a", 1, 10));
		copies.forget("a");
		assertThat(copies.get("a")).isNull();
		assertThat(copies.bytes()).isZero();
	}

	@Test
	void keepsNoSessionLargerThanTheCopyLimit() {
		DaemonSessionCopies copies = new DaemonSessionCopies(DaemonSessionCopies.DEFAULT_MAX_BYTES);
		copies.keep(record("a", 1, 10));
		copies.keep(record("a", 2, DaemonSessionCopies.MAX_COPY_BYTES + 1));
		assertThat(copies.get("a")).as("the older copy is outdated, not kept").isNull();
		assertThat(copies.bytes()).isZero();
	}

	@Test
	void dropsCopiesToStayWithinItsBound() {
		DaemonSessionCopies copies = new DaemonSessionCopies(10_000);
		for (int i = 0; i < 100; i++) {
			copies.keep(record("s" + i, 1, 1000));
		}
		assertThat(copies.bytes()).isLessThanOrEqualTo(10_000);
		assertThat(copies.size()).isBetween(1, 9);
		long counted = 0;
		for (int i = 0; i < 100; i++) {
			counted += (copies.get("s" + i) != null) ? 1 : 0;
		}
		assertThat(counted).isEqualTo(copies.size());
	}

	private static SessionRecord record(String id, long version, int valueBytes) {
		return new SessionRecord(id, 1, 1, 1800_000, null, new String[] { "value" },
				new byte[][] { new byte[valueBytes] }, version);
	}

}
