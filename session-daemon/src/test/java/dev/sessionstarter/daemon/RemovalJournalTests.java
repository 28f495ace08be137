package dev.sessionstarter.daemon;

import org.junit.jupiter.api.Test;

import dev.sessionstarter.daemon.protocol.WireCodec;
import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.SessionRecord;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RemovalJournal}.
 */
class RemovalJournalTests {

	private static final long SIZE = WireCodec.maxEncodedSize(record("s-0")) + 1;

	@Test
	void aClientReadsEachNoticeOnceFromItsCursor() {
		RemovalJournal journal = new RemovalJournal(100 * SIZE);
		journal.add(record("s-1"), RemovalCause.EXPIRED, 1000);
		RemovalJournal.Page first = journal.read(0, 0, 0, Long.MAX_VALUE);
		assertThat(first.notices()).extracting((notice) -> notice.record().id()).containsExactly("s-1");
		assertThat(first.missed()).isZero();
		journal.add(record("s-2"), RemovalCause.EVICTED, 1001);
		RemovalJournal.Page second = journal.read(journal.id(), first.cursor(), 0, Long.MAX_VALUE);
		assertThat(second.notices()).extracting((notice) -> notice.record().id()).containsExactly("s-2");
		assertThat(second.notices().get(0).cause()).isEqualTo(RemovalCause.EVICTED);
		assertThat(journal.read(journal.id(), second.cursor(), 0, Long.MAX_VALUE).notices()).isEmpty();
	}

	@Test
	void aNewClientReadsOnlyTheNoticesSinceItStarted() {
		RemovalJournal journal = new RemovalJournal(100 * SIZE);
		journal.add(record("before"), RemovalCause.EXPIRED, 1000);
		journal.add(record("after"), RemovalCause.EXPIRED, 2000);
		RemovalJournal.Page page = journal.read(0, 0, 1500, Long.MAX_VALUE);
		assertThat(page.notices()).extracting((notice) -> notice.record().id()).containsExactly("after");
		assertThat(page.missed()).isZero();
	}

	@Test
	void aClientBehindTheBoundIsToldHowManyItMissed() {
		RemovalJournal journal = new RemovalJournal(2 * SIZE);
		RemovalJournal.Page start = journal.read(0, 0, 0, Long.MAX_VALUE);
		for (int i = 1; i <= 5; i++) {
			journal.add(record("s-" + i), RemovalCause.EXPIRED, 1000 + i);
		}
		RemovalJournal.Page page = journal.read(journal.id(), start.cursor(), 0, Long.MAX_VALUE);
		assertThat(page.missed()).isEqualTo(3);
		assertThat(page.notices()).extracting((notice) -> notice.record().id()).containsExactly("s-4", "s-5");
	}

	@Test
	void anAnswerHoldsWhatFitsAndSaysMoreWait() {
		RemovalJournal journal = new RemovalJournal(100 * SIZE);
		for (int i = 1; i <= 3; i++) {
			journal.add(record("s-" + i), RemovalCause.EXPIRED, 1000 + i);
		}
		RemovalJournal.Page first = journal.read(0, 0, 0, 2 * SIZE);
		assertThat(first.notices()).hasSize(2);
		assertThat(first.more()).isTrue();
		RemovalJournal.Page rest = journal.read(journal.id(), first.cursor(), 0, 2 * SIZE);
		assertThat(rest.notices()).extracting((notice) -> notice.record().id()).containsExactly("s-3");
		assertThat(rest.more()).isFalse();
	}

	private static SessionRecord record(String id) {
		return new SessionRecord(id, 1, 2, 1000, null, new String[] { "a" }, new byte[][] { { 1, 2, 3 } }, 1);
	}

}
