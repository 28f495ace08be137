package dev.sessionstarter.store.memory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.store.AbstractSessionStore;
import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.SessionTooLargeException;
import dev.sessionstarter.store.StoreUsage;

/**
 * A {@link SessionStore} on the heap, bounded in bytes.
 *
 * <p>Each session is held as its serialized {@link SessionRecord} and counted by
 * {@link HeapFootprint}; attribute names are held and counted once per distinct name
 * ({@link SharedNames}). So the byte total is what the store really retains. The total is kept
 * exact on every change: each create, update, touch, rename and removal of a session adjusts
 * it inside the same atomic map operation that changes the session.
 *
 * <p>When a save takes the total over {@code maxBytes}, sessions are removed until it is at
 * most {@code maxBytes * reduceTo}: anonymous sessions, least recently saved first, and
 * sessions with a principal (logged-in users) only when no anonymous session is left, so a
 * flood of anonymous sessions cannot push logged-in users out ({@link AccessOrder}: constant
 * work per evicted session, however many sessions the store holds; a session saved again while
 * among the most recently saved eighth keeps its place among them). The save that goes over
 * the bound removes what takes the store back under it, and at most {@value #EVICTION_BATCH}
 * sessions more towards the reduced bound; the saves after it go on, a batch each, until the
 * store is there. So no save pays for more than a batch of evictions beyond its own bytes,
 * whatever the number of sessions; {@link #reduce()} goes all the way at once. A single
 * session larger than {@code maxBytes * reduceTo} is refused with a
 * {@link SessionTooLargeException}. A store may also be bounded in sessions; over
 * {@code maxSessions} it evicts, in the same order, down to {@code maxSessions * reduceTo}.
 * Sessions it removes by itself (expired or evicted) are reported to the
 * {@link dev.sessionstarter.store.RemovalListener} after the map operation that removed them
 * and, when reducing, after the reduction ends, never inside either.
 *
 * <p>It can serve as the cache of another store (see
 * {@link dev.sessionstarter.store.memoized.MemoizedSessionStore}): {@link #put(SessionRecord)}
 * then holds a record exactly as the other store returned it.
 */
public final class MemorySessionStore extends AbstractSessionStore {

	/**
	 * The most sessions a save evicts towards the reduced bound, beyond those that take the
	 * store back under its bound.
	 */
	static final int EVICTION_BATCH = 64;

	private volatile boolean reducePending;

	private final ConcurrentHashMap<String, MemoryEntry> sessions = new ConcurrentHashMap<>();

	private final EntryAccounting accounting = new EntryAccounting();

	private final ReentrantLock reducing = new ReentrantLock();

	private final long maxBytes;

	private final long reducedBytes;

	private final long maxSessions;

	private final long reducedSessions;

	private final Clock clock;

	/**
	 * Create a store.
	 * @param maxBytes the bound, in bytes, greater than zero
	 * @param reduceTo the fraction of the bound to evict down to, in (0, 1]
	 * @param clock the clock that decides which sessions have expired when evicting
	 */
	public MemorySessionStore(long maxBytes, double reduceTo, Clock clock) {
		this(maxBytes, Long.MAX_VALUE, reduceTo, clock);
	}

	/**
	 * Create a store bounded in bytes and in sessions.
	 * @param maxBytes the bound, in bytes, greater than zero
	 * @param maxSessions the most sessions, greater than zero
	 * @param reduceTo the fraction of both bounds to evict down to, in (0, 1]
	 * @param clock the clock that decides which sessions have expired when evicting
	 */
	public MemorySessionStore(long maxBytes, long maxSessions, double reduceTo, Clock clock) {
		Assert.isTrue(maxBytes > 0, "'maxBytes' must be greater than zero");
		Assert.isTrue(maxSessions > 0, "'maxSessions' must be greater than zero");
		Assert.isTrue(reduceTo > 0 && reduceTo <= 1, "'reduceTo' must be greater than 0 and at most 1");
		Assert.notNull(clock, "'clock' must not be null");
		this.maxBytes = maxBytes;
		this.reducedBytes = (long) (maxBytes * reduceTo);
		this.maxSessions = maxSessions;
		this.reducedSessions = (maxSessions == Long.MAX_VALUE) ? maxSessions : (long) (maxSessions * reduceTo);
		this.clock = clock;
	}

	/**
	 * Return the most sessions this store holds before it evicts.
	 * @return the bound, {@link Long#MAX_VALUE} when only bytes are bounded
	 */
	public long getMaxSessions() {
		return this.maxSessions;
	}

	@Override
	public String type() {
		return "memory";
	}

	@Override
	public boolean isNonBlocking() {
		return true;
	}

	@Override
	public @Nullable SessionRecord find(String id) {
		MemoryEntry entry = this.sessions.get(id);
		return (entry != null) ? entry.record : null;
	}

	@Override
	public @Nullable SessionRecord save(SessionChange change) {
		SessionRecord saved = change.isRename() ? rename(change) : apply(change.id(), null, change);
		reduceIfOverBound();
		return saved;
	}

	/**
	 * Hold a record exactly as given (its id, version and times), replacing what is held under
	 * its id: how a cache keeps what the store it fronts returned. Eviction applies as for
	 * {@link #save(SessionChange)}.
	 * @param record the record
	 * @return the record as held: {@code record}, or an equal copy whose attribute names are the
	 * store's shared strings, which is what {@link #find(String)} returns
	 * @throws SessionTooLargeException if the record alone is over the reduced byte bound
	 */
	public SessionRecord put(SessionRecord record) {
		long footprint = checkSize(record);
		Apply put = new Apply(null, null, record, footprint);
		this.sessions.compute(record.id(), put);
		reduceIfOverBound();
		return Objects.requireNonNull(put.held);
	}

	private void reduceIfOverBound() {
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
				for (int i = 0; i < EVICTION_BATCH && overReducedBound(); i++) {
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

	private boolean overBound() {
		return this.accounting.bytes.get() > this.maxBytes || overSessions(this.maxSessions);
	}

	/**
	 * Remove the entry {@link AccessOrder} names next, unless another thread changed it first.
	 * @return {@code false} if the store is empty
	 */
	private boolean evictEldest(Instant now, List<SessionRecord> expired, List<SessionRecord> evicted) {
		MemoryEntry eldest = (MemoryEntry) this.accounting.order.eldest();
		if (eldest == null) {
			return false;
		}
		SessionRecord record = eldest.record;
		if (remove(record.id(), record) != null) {
			(record.isExpired(now) ? expired : evicted).add(record);
		}
		return true;
	}

	private void report(List<SessionRecord> expired, List<SessionRecord> evicted) {
		expired.forEach((record) -> removed(record, RemovalCause.EXPIRED));
		evicted.forEach((record) -> removed(record, RemovalCause.EVICTED));
	}

	private boolean overSessions(long bound) {
		return bound != Long.MAX_VALUE && this.sessions.size() > bound;
	}

	private boolean overReducedBound() {
		return this.accounting.bytes.get() > this.reducedBytes || overSessions(this.reducedSessions);
	}

	private @Nullable SessionRecord rename(SessionChange change) {
		String previousId = Objects.requireNonNull(change.previousId());
		while (true) {
			MemoryEntry entry = this.sessions.get(previousId);
			if (entry == null) {
				return change.isCreate() ? apply(change.id(), null, change) : null;
			}
			SessionRecord previous = entry.record;
			checkSize(SessionRecord.apply(previous, change));
			if (remove(previousId, previous) != null) {
				return apply(change.id(), previous, change);
			}
		}
	}

	private @Nullable SessionRecord apply(String id, @Nullable SessionRecord renamed, SessionChange change) {
		Apply apply = new Apply(renamed, change, null, 0);
		this.sessions.compute(id, apply);
		return apply.held;
	}

	private long checkSize(SessionRecord record) {
		long footprint = HeapFootprint.of(record);
		if (footprint > this.reducedBytes) {
			throw new SessionTooLargeException(record.id(), footprint, this.reducedBytes);
		}
		return footprint;
	}

	@Override
	public @Nullable SessionRecord delete(String id) {
		return remove(id, null);
	}

	@Override
	public boolean deleteIfExpired(String id, Instant now) {
		MemoryEntry entry = this.sessions.get(id);
		SessionRecord record = (entry != null) ? entry.record : null;
		if (record == null || !record.isExpired(now) || remove(id, record) == null) {
			return false;
		}
		removed(record, RemovalCause.EXPIRED);
		return true;
	}

	@Override
	protected Collection<String> indexedIds(String principalName) {
		return this.accounting.principals.ids(principalName);
	}

	@Override
	public int purgeExpired(Instant now) {
		int removed = 0;
		for (MemoryEntry entry : this.sessions.values()) {
			SessionRecord record = entry.record;
			if (record.isExpired(now) && remove(record.id(), record) != null) {
				removed(record, RemovalCause.EXPIRED);
				removed++;
			}
		}
		return removed;
	}

	/**
	 * Evict sessions until the store holds at most {@code maxBytes * reduceTo} (and, when it is
	 * bounded in sessions, at most {@code maxSessions * reduceTo} sessions): anonymous ones
	 * first, then those with a principal, least recently saved first within each group (an
	 * expired one on the way is reported as expired). Only one thread reduces at a time; a call
	 * while another runs returns at once.
	 * @return the number of sessions evicted (expired ones removed on the way not included)
	 */
	@Override
	public int reduce() {
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

	@Override
	public StoreUsage usage() {
		return new StoreUsage(this.sessions.size(), this.accounting.bytes.get(), this.maxBytes);
	}

	/**
	 * Remove a session, if it still holds {@code expected} (or whatever it holds, when that is
	 * {@code null}), in one atomic map operation with its accounting.
	 * @return the record removed, or {@code null}
	 */
	private @Nullable SessionRecord remove(String id, @Nullable SessionRecord expected) {
		SessionRecord[] removed = new SessionRecord[1];
		this.sessions.computeIfPresent(id, (key, current) -> {
			if (expected != null && current.record != expected) {
				return current;
			}
			this.accounting.removed(current);
			removed[0] = current.record;
			return null;
		});
		return removed[0];
	}

	/**
	 * The map operation of a save or a put: it makes the record (a change applied to what the
	 * id holds, or to the record of a renamed session) or takes the given one, holds it in the
	 * id's entry, and keeps what it held for the caller, as the entry may change once the
	 * operation ends.
	 */
	private final class Apply implements BiFunction<String, MemoryEntry, MemoryEntry> {

		private final @Nullable SessionRecord renamed;

		private final @Nullable SessionChange change;

		private final @Nullable SessionRecord record;

		private final long footprint;

		private @Nullable SessionRecord held;

		Apply(@Nullable SessionRecord renamed, @Nullable SessionChange change, @Nullable SessionRecord record,
				long footprint) {
			this.renamed = renamed;
			this.change = change;
			this.record = record;
			this.footprint = footprint;
		}

		@Override
		public @Nullable MemoryEntry apply(String id, @Nullable MemoryEntry current) {
			SessionRecord record = this.record;
			long footprint = this.footprint;
			SessionChange change = this.change;
			if (change != null) {
				SessionRecord base = (current != null) ? current.record : this.renamed;
				if (base == null && !change.isCreate()) {
					return null;
				}
				record = SessionRecord.apply(base, change);
				footprint = checkSize(record);
			}
			MemoryEntry entry = MemorySessionStore.this.accounting.store(current, Objects.requireNonNull(record),
					footprint);
			this.held = entry.record;
			return entry;
		}

	}

}
