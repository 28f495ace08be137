package dev.sessionstarter.store.memory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

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
 * work per evicted session, however many sessions the store holds). The save that goes over
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
		MemoryEntry held = this.sessions.compute(record.id(), (key, current) -> {
			MemoryEntry entry = entry(record, footprint, current);
			this.accounting.account(current, entry);
			return entry;
		});
		reduceIfOverBound();
		return held.record;
	}

	private void reduceIfOverBound() {
		if (!overBound() && !this.reducePending) {
			return;
		}
		List<MemoryEntry> expired = new ArrayList<>();
		List<MemoryEntry> evicted = new ArrayList<>();
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
	private boolean evictEldest(Instant now, List<MemoryEntry> expired, List<MemoryEntry> evicted) {
		MemoryEntry eldest = (MemoryEntry) this.accounting.order.eldest();
		if (eldest == null) {
			return false;
		}
		if (remove(eldest.record.id(), eldest) != null) {
			(eldest.record.isExpired(now) ? expired : evicted).add(eldest);
		}
		return true;
	}

	private void report(List<MemoryEntry> expired, List<MemoryEntry> evicted) {
		expired.forEach((entry) -> removed(entry.record, RemovalCause.EXPIRED));
		evicted.forEach((entry) -> removed(entry.record, RemovalCause.EVICTED));
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
			MemoryEntry previous = this.sessions.get(previousId);
			if (previous == null) {
				return change.isCreate() ? apply(change.id(), null, change) : null;
			}
			checkSize(SessionRecord.apply(previous.record, change));
			if (remove(previousId, previous) != null) {
				return apply(change.id(), previous.record, change);
			}
		}
	}

	private @Nullable SessionRecord apply(String id, @Nullable SessionRecord renamed, SessionChange change) {
		MemoryEntry result = this.sessions.compute(id, (key, current) -> {
			SessionRecord base = (current != null) ? current.record : renamed;
			if (base == null && !change.isCreate()) {
				return null;
			}
			SessionRecord record = SessionRecord.apply(base, change);
			MemoryEntry entry = entry(record, checkSize(record), current);
			this.accounting.account(current, entry);
			return entry;
		});
		return (result != null) ? result.record : null;
	}

	/**
	 * Make the entry that replaces {@code current}, its record holding the shared attribute
	 * names; called inside the map operation that stores it.
	 */
	private MemoryEntry entry(SessionRecord record, long footprint, @Nullable MemoryEntry current) {
		SessionRecord shared = this.accounting.names.share(record, (current != null) ? current.record : null);
		return new MemoryEntry(shared, footprint);
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
		MemoryEntry removed = remove(id, null);
		return (removed != null) ? removed.record : null;
	}

	@Override
	public boolean deleteIfExpired(String id, Instant now) {
		MemoryEntry entry = this.sessions.get(id);
		if (entry == null || !entry.record.isExpired(now) || remove(id, entry) == null) {
			return false;
		}
		removed(entry.record, RemovalCause.EXPIRED);
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
			if (entry.record.isExpired(now) && remove(entry.record.id(), entry) != null) {
				removed(entry.record, RemovalCause.EXPIRED);
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
		List<MemoryEntry> expired = new ArrayList<>();
		List<MemoryEntry> evicted = new ArrayList<>();
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
	 * Remove an entry, if it is still {@code expected} (or whatever it is, when that is
	 * {@code null}), in one atomic map operation with its accounting.
	 */
	private @Nullable MemoryEntry remove(String id, @Nullable MemoryEntry expected) {
		MemoryEntry[] removed = new MemoryEntry[1];
		this.sessions.computeIfPresent(id, (key, current) -> {
			if (expected != null && current != expected) {
				return current;
			}
			this.accounting.account(current, null);
			removed[0] = current;
			return null;
		});
		return removed[0];
	}

}
