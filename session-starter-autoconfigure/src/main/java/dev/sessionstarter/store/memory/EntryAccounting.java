package dev.sessionstarter.store.memory;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

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
	 * Account for one entry replacing another, under the map's lock for that id: the byte
	 * total, the shared attribute names and the principal index.
	 */
	void account(@Nullable MemoryEntry before, @Nullable MemoryEntry after) {
		if (before != null) {
			this.names.release(before.record, (after != null) ? after.record : null);
		}
		this.order.replace(before, after, after != null && after.record.principalName() != null);
		long delta = ((after != null) ? after.footprint : 0) - ((before != null) ? before.footprint : 0);
		if (delta != 0) {
			// most saves change a value for one of the same size: the shared total is left alone
			this.bytes.addAndGet(delta);
		}
		String beforePrincipal = (before != null) ? before.record.principalName() : null;
		String afterPrincipal = (after != null) ? after.record.principalName() : null;
		String beforeId = (before != null) ? before.record.id() : null;
		String afterId = (after != null) ? after.record.id() : null;
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
