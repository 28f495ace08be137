package dev.sessionstarter.daemon;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import dev.sessionstarter.daemon.protocol.WireCodec;
import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.SessionRecord;

/**
 * The sessions the daemon removed on its own (its purge, eviction when a save takes it over its
 * bound), kept for the applications to read with {@code REMOVALS} and report as events. Each
 * notice has a sequence number, from 1, within this journal, which a random id names; each
 * client keeps its own cursor, so every client reads every notice once. Bounded in bytes: when
 * full, the oldest notices are dropped, and a client whose cursor is behind them is told how
 * many it missed. Thread-safe.
 */
final class RemovalJournal {

	private final long id;

	private final long maxBytes;

	private final ArrayDeque<Notice> notices = new ArrayDeque<>();

	private long bytes;

	private long nextSequence = 1;

	private long dropped;

	private long lastDroppedAt = Long.MIN_VALUE;

	private long lastAt = Long.MIN_VALUE;

	/**
	 * Create an empty journal with a new random id.
	 * @param maxBytes the most the kept notices may take, counted as their encoded size
	 */
	RemovalJournal(long maxBytes) {
		long random = 0;
		SecureRandom source = new SecureRandom();
		while (random == 0) {
			random = source.nextLong();
		}
		this.id = random;
		this.maxBytes = maxBytes;
	}

	/**
	 * Return the id that names this journal, never zero.
	 * @return the id
	 */
	long id() {
		return this.id;
	}

	/**
	 * Add a notice, dropping the oldest ones while the journal is over its bound.
	 * @param record the removed session as it was stored
	 * @param cause why it was removed
	 * @param at when it was removed, in epoch millis
	 */
	synchronized void add(SessionRecord record, RemovalCause cause, long at) {
		this.lastAt = Math.max(this.lastAt, at);
		long size = WireCodec.maxEncodedSize(record) + 1;
		Notice notice = new Notice(this.nextSequence++, this.lastAt, cause, record, size);
		this.notices.addLast(notice);
		this.bytes += notice.size();
		while (this.bytes > this.maxBytes && !this.notices.isEmpty()) {
			Notice oldest = this.notices.removeFirst();
			this.bytes -= oldest.size();
			this.dropped++;
			this.lastDroppedAt = oldest.at();
		}
	}

	/**
	 * Read the notices a client has not read yet, as many as fit in a budget.
	 * @param journal the id of the journal the client read last, 0 if none
	 * @param after the sequence number the client read last in that journal
	 * @param since when the journal is not {@code journal} (the client is new, or the daemon
	 * restarted): the notices removed at or after this time, in epoch millis, are the new ones
	 * @param budget the most bytes the notices may take, counted as their encoded size
	 * @return the notices and where the client is now
	 */
	synchronized Page read(long journal, long after, long since, long budget) {
		long missed;
		long cursor;
		if (journal == this.id) {
			long first = this.notices.isEmpty() ? this.nextSequence : this.notices.peekFirst().sequence();
			missed = Math.max(0, first - after - 1);
			cursor = Math.max(after, first - 1);
		}
		else {
			missed = (this.dropped > 0 && this.lastDroppedAt >= since) ? this.dropped : 0;
			cursor = this.notices.isEmpty() ? this.nextSequence - 1 : this.notices.peekFirst().sequence() - 1;
			for (Notice notice : this.notices) {
				if (notice.at() >= since) {
					break;
				}
				cursor = notice.sequence();
			}
		}
		List<Notice> page = new ArrayList<>();
		long used = 0;
		boolean more = false;
		for (Notice notice : this.notices) {
			if (notice.sequence() <= cursor) {
				continue;
			}
			if (used + notice.size() > budget) {
				if (!page.isEmpty()) {
					more = true;
					break;
				}
				missed++;
			}
			else {
				page.add(notice);
				used += notice.size();
			}
			cursor = notice.sequence();
		}
		return new Page(cursor, missed, page, more);
	}

	/**
	 * One removal.
	 * @param sequence its number in the journal
	 * @param at when it was removed, in epoch millis
	 * @param cause why
	 * @param record the session as it was stored
	 * @param size the encoded size of its cause and record
	 */
	record Notice(long sequence, long at, RemovalCause cause, SessionRecord record, long size) {
	}

	/**
	 * What a client reads at once.
	 * @param cursor the sequence number the client has read up to, now
	 * @param missed how many notices it will never read: dropped before it read them, or too
	 * large for an answer; for a client new to this journal, at most that many
	 * @param notices the notices, oldest first
	 * @param more whether more notices are waiting beyond the budget
	 */
	record Page(long cursor, long missed, List<Notice> notices, boolean more) {
	}

}
