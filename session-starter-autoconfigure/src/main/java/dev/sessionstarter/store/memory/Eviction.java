package dev.sessionstarter.store.memory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.RemovalListener;
import dev.sessionstarter.store.SessionRecord;

/**
 * How a {@link MemorySessionStore} keeps to its bounds: after a save it removes, in the
 * {@link AccessOrder}, what takes the store back under its bound and a batch more towards the
 * reduced bound, and {@link #reduce()} goes all the way. Removals are reported after the
 * removing ends, outside every map operation.
 */
final class Eviction {

	private final MemoryEntries entries;

	private final RemovalListener reporter;

	private final Clock clock;

	private final ReentrantLock reducing = new ReentrantLock();

	private volatile boolean reducePending;

	private final long maxBytes;

	private final long reducedBytes;

	private final long maxSessions;

	private final long reducedSessions;

	Eviction(MemoryEntries entries, RemovalListener reporter, Clock clock, long maxBytes, long maxSessions,
			double reduceTo) {
		this.entries = entries;
		this.reporter = reporter;
		this.clock = clock;
		this.maxBytes = maxBytes;
		this.reducedBytes = (long) (maxBytes * reduceTo);
		this.maxSessions = maxSessions;
		this.reducedSessions = (maxSessions == Long.MAX_VALUE) ? maxSessions : (long) (maxSessions * reduceTo);
	}

	/**
	 * Return the byte bound to reduce to, which is also the most one session may take.
	 * @return the reduced bound in bytes
	 */
	long reducedBytes() {
		return this.reducedBytes;
	}

	/**
	 * After a save: remove what takes the store back under its bound, and at most
	 * {@value MemorySessionStore#EVICTION_BATCH} sessions more towards the reduced bound.
	 */
	void afterSave() {
		if (!overBound() && !this.reducePending) {
			return;
		}
		List<SessionRecord> expired = new ArrayList<>();
		List<SessionRecord> evicted = new ArrayList<>();
		Instant now = this.clock.instant();
		while (overBound() && evictEldest(now, expired, evicted)) {
			// the bound holds after every save
		}
		this.reducePending = true;
		if (this.reducing.tryLock()) {
			try {
				for (int i = 0; i < MemorySessionStore.EVICTION_BATCH && overReducedBound(); i++) {
					evictEldest(now, expired, evicted);
				}
				this.reducePending = overReducedBound();
			}
			finally {
				this.reducing.unlock();
			}
		}
		report(expired, evicted);
	}

	/**
	 * Evict down to the reduced bounds; a call while another thread reduces returns at once.
	 * @return the number of sessions evicted (expired ones removed on the way not included)
	 */
	int reduce() {
		if (!this.reducing.tryLock()) {
			return 0;
		}
		List<SessionRecord> expired = new ArrayList<>();
		List<SessionRecord> evicted = new ArrayList<>();
		try {
			Instant now = this.clock.instant();
			while (overReducedBound() && evictEldest(now, expired, evicted)) {
				// constant work per session
			}
			this.reducePending = false;
		}
		finally {
			this.reducing.unlock();
		}
		report(expired, evicted);
		return evicted.size();
	}

	private boolean overBound() {
		return this.entries.bytes() > this.maxBytes || overSessions(this.maxSessions);
	}

	private boolean overReducedBound() {
		return this.entries.bytes() > this.reducedBytes || overSessions(this.reducedSessions);
	}

	private boolean overSessions(long bound) {
		return bound != Long.MAX_VALUE && this.entries.size() > bound;
	}

	/**
	 * Remove the session {@link AccessOrder} names next, unless another thread changed it first.
	 * @return {@code false} if the store is empty
	 */
	private boolean evictEldest(Instant now, List<SessionRecord> expired, List<SessionRecord> evicted) {
		SessionRecord eldest = this.entries.eldest();
		if (eldest == null) {
			return false;
		}
		if (this.entries.remove(eldest.id(), eldest) != null) {
			(eldest.isExpired(now) ? expired : evicted).add(eldest);
		}
		return true;
	}

	private void report(List<SessionRecord> expired, List<SessionRecord> evicted) {
		expired.forEach((record) -> this.reporter.removed(record, RemovalCause.EXPIRED));
		evicted.forEach((record) -> this.reporter.removed(record, RemovalCause.EVICTED));
	}

}
