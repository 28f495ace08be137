package dev.sessionstarter.daemon;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import dev.sessionstarter.daemon.protocol.WireCodec;
import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.SessionRecord;

/**
 * The sessions the daemon removed on its own (its purge, eviction when a save takes it over its
 * bound), queued for the applications to take with {@code REMOVALS} and report as events. A
 * notice is handed out once, to whichever client takes it first, and is gone from the journal
 * then, so the event of each removal is published once across every application sharing the
 * daemon. Bounded in heap bytes: when full, the oldest notices are dropped, and the next client
 * to take is told how many were. Thread-safe.
 */
final class RemovalJournal {

	/**
	 * The most heap one notice takes beyond its record's encoded size (which already counts
	 * three bytes a character): the notice, its queue slots, the record object, and the headers
	 * of the record's id and principal strings and of its name and value arrays.
	 */
	static final long NOTICE_OVERHEAD = 384;

	/**
	 * The most heap one attribute of a noticed record takes beyond its encoded size: the
	 * headers of its name string and value array, and its slots in the record's two arrays.
	 */
	static final long ATTRIBUTE_OVERHEAD = 112;

	private final long maxBytes;

	private final ArrayDeque<Notice> notices = new ArrayDeque<>();

	private long bytes;

	private long dropped;

	/**
	 * Create an empty journal.
	 * @param maxBytes the most heap the queued notices may take
	 */
	RemovalJournal(long maxBytes) {
		this.maxBytes = maxBytes;
	}

	/**
	 * Queue a notice, dropping the oldest ones while the journal is over its bound.
	 * @param record the removed session as it was stored
	 * @param cause why it was removed
	 */
	synchronized void add(SessionRecord record, RemovalCause cause) {
		long wireSize = WireCodec.maxEncodedSize(record) + 1;
		Notice notice = new Notice(cause, record, wireSize,
				wireSize + NOTICE_OVERHEAD + ATTRIBUTE_OVERHEAD * record.attributeCount());
		this.notices.addLast(notice);
		this.bytes += notice.heapSize();
		while (this.bytes > this.maxBytes && !this.notices.isEmpty()) {
			drop();
		}
	}

	/**
	 * Take the oldest notices, as many as fit in a budget, out of the journal.
	 * @param budget the most bytes the notices may take on the wire
	 * @return the notices, and how many were dropped since the last take
	 */
	synchronized Batch take(long budget) {
		List<Notice> taken = new ArrayList<>();
		long used = 0;
		while (!this.notices.isEmpty()) {
			Notice oldest = this.notices.peekFirst();
			if (taken.isEmpty() && oldest.wireSize() > budget) {
				drop();
			}
			else if (used + oldest.wireSize() > budget) {
				break;
			}
			else {
				this.notices.removeFirst();
				this.bytes -= oldest.heapSize();
				taken.add(oldest);
				used += oldest.wireSize();
			}
		}
		long missed = this.dropped;
		this.dropped = 0;
		return new Batch(missed, taken, !this.notices.isEmpty());
	}

	/**
	 * Return the heap the queued notices take, as this journal counts it.
	 * @return the bytes
	 */
	synchronized long bytes() {
		return this.bytes;
	}

	private void drop() {
		Notice oldest = this.notices.removeFirst();
		this.bytes -= oldest.heapSize();
		this.dropped++;
	}

	/**
	 * One removal.
	 * @param cause why the session was removed
	 * @param record the session as it was stored
	 * @param wireSize the most its cause and record take in an answer
	 * @param heapSize the most heap the notice retains
	 */
	record Notice(RemovalCause cause, SessionRecord record, long wireSize, long heapSize) {
	}

	/**
	 * What one client takes at once.
	 * @param missed how many notices were dropped, unreported, since the last take: the journal
	 * was full, or one was too large for an answer
	 * @param notices the notices, oldest first
	 * @param more whether more notices wait beyond the budget
	 */
	record Batch(long missed, List<Notice> notices, boolean more) {
	}

}
