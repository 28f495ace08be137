package dev.sessionstarter.store.memory;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;

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

	private final MemoryEntries entries;

	private final Eviction eviction;

	private final long maxBytes;

	private final long maxSessions;

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
		this.maxSessions = maxSessions;
		this.entries = new MemoryEntries((long) (maxBytes * reduceTo));
		this.eviction = new Eviction(this.entries, this::removed, clock, maxBytes, maxSessions, reduceTo);
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
		return this.entries.find(id);
	}

	@Override
	public @Nullable SessionRecord save(SessionChange change) {
		SessionRecord saved = change.isRename() ? rename(change) : this.entries.apply(change.id(), null, change);
		this.eviction.afterSave();
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
		SessionRecord held = this.entries.put(record, this.entries.checkSize(record));
		this.eviction.afterSave();
		return held;
	}

	private @Nullable SessionRecord rename(SessionChange change) {
		String previousId = Objects.requireNonNull(change.previousId());
		while (true) {
			SessionRecord previous = this.entries.find(previousId);
			if (previous == null) {
				return change.isCreate() ? this.entries.apply(change.id(), null, change) : null;
			}
			this.entries.checkSize(SessionRecord.apply(previous, change));
			if (this.entries.remove(previousId, previous) != null) {
				return this.entries.apply(change.id(), previous, change);
			}
		}
	}

	@Override
	public @Nullable SessionRecord delete(String id) {
		return this.entries.remove(id, null);
	}

	@Override
	public boolean deleteIfExpired(String id, Instant now) {
		SessionRecord record = this.entries.find(id);
		if (record == null || !record.isExpired(now) || this.entries.remove(id, record) == null) {
			return false;
		}
		removed(record, RemovalCause.EXPIRED);
		return true;
	}

	@Override
	protected Collection<String> indexedIds(String principalName) {
		return this.entries.accounting.principals.ids(principalName);
	}

	@Override
	public int purgeExpired(Instant now) {
		int removed = 0;
		for (MemoryEntry entry : this.entries.values()) {
			SessionRecord record = entry.record;
			if (record.isExpired(now) && this.entries.remove(record.id(), record) != null) {
				removed(record, RemovalCause.EXPIRED);
				removed++;
			}
		}
		return removed;
	}

	/**
	 * Evict sessions, in the order a save evicts them, until the store is within
	 * {@code reduceTo} of its bounds (an expired one on the way is reported as expired). Only one
	 * thread reduces at a time; a call while another runs returns at once.
	 * @return the number of sessions evicted (expired ones removed on the way not included)
	 */
	@Override
	public int reduce() {
		return this.eviction.reduce();
	}

	@Override
	public StoreUsage usage() {
		return new StoreUsage(this.entries.size(), this.entries.bytes(), this.maxBytes);
	}

}
