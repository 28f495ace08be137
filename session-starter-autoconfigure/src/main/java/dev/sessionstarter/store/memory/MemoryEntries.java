package dev.sessionstarter.store.memory;

import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionTooLargeException;

/**
 * The sessions of a {@link MemorySessionStore} by id: each is stored, changed and removed in one
 * atomic map operation together with its accounting ({@link EntryAccounting}), so the byte
 * total, the shared names, the access order and the principal index always match the map.
 */
final class MemoryEntries {

	private final ConcurrentHashMap<String, MemoryEntry> sessions = new ConcurrentHashMap<>();

	final EntryAccounting accounting = new EntryAccounting();

	private final long maxFootprint;

	/**
	 * Create the entries of a store.
	 * @param maxFootprint the most bytes one session may take
	 */
	MemoryEntries(long maxFootprint) {
		this.maxFootprint = maxFootprint;
	}

	@Nullable SessionRecord find(String id) {
		MemoryEntry entry = this.sessions.get(id);
		return (entry != null) ? entry.record : null;
	}

	int size() {
		return this.sessions.size();
	}

	long bytes() {
		return this.accounting.bytes.get();
	}

	Collection<MemoryEntry> values() {
		return this.sessions.values();
	}

	/**
	 * Return the record of the session {@link AccessOrder} names next for eviction, as it was
	 * while the session was the eldest: a save that moves the session changes its record only
	 * after the move, so removing it if it still holds that record leaves a session just saved.
	 * @return the record, or {@code null} if there is no session
	 */
	@Nullable SessionRecord eldest() {
		return this.accounting.order.eldest((eldest) -> ((MemoryEntry) eldest).record);
	}

	/**
	 * Return the bytes a record would take.
	 * @throws SessionTooLargeException if that is over the most one session may take
	 */
	long checkSize(SessionRecord record) {
		long footprint = HeapFootprint.of(record);
		if (footprint > this.maxFootprint) {
			throw new SessionTooLargeException(record.id(), footprint, this.maxFootprint);
		}
		return footprint;
	}

	/**
	 * Apply a change to what an id holds, or to the record of a session renamed to it.
	 * @return the record held, or {@code null} if there was nothing to change
	 */
	@Nullable SessionRecord apply(String id, @Nullable SessionRecord renamed, SessionChange change) {
		Apply apply = new Apply(renamed, change, null, 0);
		this.sessions.compute(id, apply);
		return apply.held;
	}

	/**
	 * Hold a record as given.
	 * @return the record held, with the shared attribute names
	 */
	SessionRecord put(SessionRecord record, long footprint) {
		Apply put = new Apply(null, null, record, footprint);
		this.sessions.compute(record.id(), put);
		return Objects.requireNonNull(put.held);
	}

	/**
	 * Remove a session, if it still holds {@code expected} (or whatever it holds, when that is
	 * {@code null}).
	 * @return the record removed, or {@code null}
	 */
	@Nullable SessionRecord remove(String id, @Nullable SessionRecord expected) {
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
			MemoryEntry entry = MemoryEntries.this.accounting.store(current, Objects.requireNonNull(record),
					footprint);
			this.held = entry.record;
			return entry;
		}

	}

}
