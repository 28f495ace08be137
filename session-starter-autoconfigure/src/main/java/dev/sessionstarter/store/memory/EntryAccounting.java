package dev.sessionstarter.store.memory;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionRecord;

/**
 * What a {@link MemorySessionStore} keeps in step with its entries: the byte total, the shared
 * attribute names, the access order and the principal index. Each change is accounted for
 * inside the map operation that makes it, under the map's lock for that id, so the total is
 * exact at all times.
 */
final class EntryAccounting {

	final AtomicLong bytes = new AtomicLong();

	final SharedNames names = new SharedNames(this.bytes);

	final PrincipalIndex principals = new PrincipalIndex(this.bytes);

	final AccessOrder order = new AccessOrder();

	/**
	 * Hold a record in the entry of its id, under the map's lock for that id, and account for
	 * it: the shared attribute names, the access order, the byte total and the principal index.
	 * @param current the id's entry, or {@code null} to make one
	 * @param record the record to hold
	 * @param footprint the record's footprint
	 * @return the entry, {@code current} when there was one
	 */
	MemoryEntry store(@Nullable MemoryEntry current, SessionRecord record, long footprint) {
		SessionRecord before = (current != null) ? current.record : null;
		SessionRecord shared = this.names.share(record, before);
		boolean principal = shared.principalName() != null;
		MemoryEntry entry;
		if (current == null) {
			entry = new MemoryEntry(shared, footprint);
			this.order.moveToEnd(entry, principal);
			adjust(footprint);
		}
		else {
			this.names.release(current.record, shared);
			entry = current;
			long delta = footprint - entry.footprint;
			if (!this.order.isRecent(entry, principal)) {
				// before the record changes: an eviction that read the entry as eldest read the old one
				this.order.moveToEnd(entry, principal);
			}
			entry.record = shared;
			entry.footprint = footprint;
			adjust(delta);
		}
		index(before, shared);
		return entry;
	}

	/**
	 * Account for an entry's removal, under the map's lock for its id.
	 * @param entry the entry removed
	 */
	void removed(MemoryEntry entry) {
		this.names.release(entry.record, null);
		this.order.remove(entry);
		adjust(-entry.footprint);
		index(entry.record, null);
	}

	private void adjust(long delta) {
		if (delta != 0) {
			// most saves change a value for one of the same size: the shared total is left alone
			this.bytes.addAndGet(delta);
		}
	}

	private void index(@Nullable SessionRecord before, @Nullable SessionRecord after) {
		String beforePrincipal = (before != null) ? before.principalName() : null;
		String afterPrincipal = (after != null) ? after.principalName() : null;
		String beforeId = (before != null) ? before.id() : null;
		String afterId = (after != null) ? after.id() : null;
		if (Objects.equals(beforePrincipal, afterPrincipal) && Objects.equals(beforeId, afterId)) {
			return;
		}
		if (beforePrincipal != null && beforeId != null) {
			this.principals.remove(beforePrincipal, beforeId);
		}
		if (afterPrincipal != null && afterId != null) {
			this.principals.add(afterPrincipal, afterId);
		}
	}

}
