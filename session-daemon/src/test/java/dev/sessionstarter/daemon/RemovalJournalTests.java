package dev.sessionstarter.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import dev.sessionstarter.daemon.protocol.WireCodec;
import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.SessionRecord;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RemovalJournal}.
 */
class RemovalJournalTests {

	private static final long WIRE_SIZE = WireCodec.maxEncodedSize(record("s-0")) + 1;

	private static final long HEAP_SIZE = WIRE_SIZE + RemovalJournal.NOTICE_OVERHEAD
			+ RemovalJournal.ATTRIBUTE_OVERHEAD;

	@Test
	void aNoticeIsHandedToTheFirstClientThatTakesItAndToNoOther() {
		RemovalJournal journal = new RemovalJournal(100 * HEAP_SIZE);
		journal.add(record("s-1"), RemovalCause.EXPIRED);
		journal.add(record("s-2"), RemovalCause.EVICTED);
		RemovalJournal.Batch first = journal.take(Long.MAX_VALUE);
		assertThat(ids(first)).containsExactly("s-1", "s-2");
		assertThat(first.notices()).extracting(RemovalJournal.Notice::cause)
			.containsExactly(RemovalCause.EXPIRED, RemovalCause.EVICTED);
		assertThat(first.missed()).isZero();
		assertThat(first.more()).isFalse();
		assertThat(journal.take(Long.MAX_VALUE).notices()).isEmpty();
		assertThat(journal.bytes()).isZero();
		journal.add(record("s-3"), RemovalCause.EXPIRED);
		assertThat(ids(journal.take(Long.MAX_VALUE))).containsExactly("s-3");
	}

	@Test
	void clientsTakingAtOnceGetEveryNoticeExactlyOnceBetweenThem() throws InterruptedException {
		RemovalJournal journal = new RemovalJournal(Long.MAX_VALUE);
		int notices = 2000;
		ConcurrentLinkedQueue<String> taken = new ConcurrentLinkedQueue<>();
		CountDownLatch added = new CountDownLatch(1);
		List<Thread> takers = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			Thread taker = new Thread(() -> {
				boolean last = false;
				while (!last) {
					last = added.getCount() == 0;
					journal.take(3 * WIRE_SIZE).notices().forEach((notice) -> taken.add(notice.record().id()));
				}
			});
			taker.start();
			takers.add(taker);
		}
		for (int i = 0; i < notices; i++) {
			journal.add(record("s-" + i), RemovalCause.EXPIRED);
		}
		added.countDown();
		for (Thread taker : takers) {
			taker.join();
		}
		while (journal.bytes() > 0) {
			journal.take(Long.MAX_VALUE).notices().forEach((notice) -> taken.add(notice.record().id()));
		}
		assertThat(taken).hasSize(notices).doesNotHaveDuplicates();
	}

	@Test
	void noticesDroppedWhenFullAreCountedOnceForTheNextTake() {
		RemovalJournal journal = new RemovalJournal(2 * HEAP_SIZE);
		for (int i = 1; i <= 5; i++) {
			journal.add(record("s-" + i), RemovalCause.EXPIRED);
		}
		assertThat(journal.bytes()).isEqualTo(2 * HEAP_SIZE);
		RemovalJournal.Batch batch = journal.take(Long.MAX_VALUE);
		assertThat(batch.missed()).isEqualTo(3);
		assertThat(ids(batch)).containsExactly("s-4", "s-5");
		assertThat(journal.take(Long.MAX_VALUE).missed()).isZero();
	}

	@Test
	void theBoundCountsEachNoticesHeapBeyondItsEncodedSize() {
		RemovalJournal journal = new RemovalJournal(HEAP_SIZE + WIRE_SIZE);
		journal.add(record("s-1"), RemovalCause.EXPIRED);
		journal.add(record("s-2"), RemovalCause.EXPIRED);
		assertThat(journal.bytes()).isEqualTo(HEAP_SIZE);
		assertThat(journal.take(Long.MAX_VALUE).missed()).isOne();
	}

	@Test
	void aTakeHoldsWhatFitsAndSaysMoreWait() {
		RemovalJournal journal = new RemovalJournal(100 * HEAP_SIZE);
		for (int i = 1; i <= 3; i++) {
			journal.add(record("s-" + i), RemovalCause.EXPIRED);
		}
		RemovalJournal.Batch first = journal.take(2 * WIRE_SIZE);
		assertThat(ids(first)).containsExactly("s-1", "s-2");
		assertThat(first.more()).isTrue();
		RemovalJournal.Batch rest = journal.take(2 * WIRE_SIZE);
		assertThat(ids(rest)).containsExactly("s-3");
		assertThat(rest.more()).isFalse();
	}

	@Test
	void aNoticeTooLargeForAnyAnswerIsDroppedAndCounted() {
		RemovalJournal journal = new RemovalJournal(100 * HEAP_SIZE);
		journal.add(new SessionRecord("large", 1, 2, 1000, null, new String[] { "a" }, new byte[][] { new byte[64] },
				1), RemovalCause.EXPIRED);
		journal.add(record("s-1"), RemovalCause.EXPIRED);
		RemovalJournal.Batch batch = journal.take(WIRE_SIZE);
		assertThat(batch.missed()).isOne();
		assertThat(ids(batch)).containsExactly("s-1");
	}

	private static List<String> ids(RemovalJournal.Batch batch) {
		return batch.notices().stream().map((notice) -> notice.record().id()).toList();
	}

	private static SessionRecord record(String id) {
		return new SessionRecord(id, 1, 2, 1000, null, new String[] { "a" }, new byte[][] { { 1, 2, 3 } }, 1);
	}

}
