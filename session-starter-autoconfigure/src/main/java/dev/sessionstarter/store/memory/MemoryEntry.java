package dev.sessionstarter.store.memory;

import dev.sessionstarter.store.SessionRecord;

/**
 * What a {@link MemorySessionStore} holds for one session: its record, the bytes it is counted
 * for ({@link HeapFootprint}), and its place in the {@link AccessOrder}. One entry serves a
 * session from its creation to its removal: a save changes its record and footprint inside the
 * map operation that stores it, so a save need not make a new entry nor, when the session is
 * among the recently saved, move it in the order.
 */
final class MemoryEntry extends AccessOrder.Node {

	/** The record held; written only inside the map operation of the entry's id. */
	volatile SessionRecord record;

	/** The bytes the record is counted for; read and written only inside those operations. */
	long footprint;

	MemoryEntry(SessionRecord record, long footprint) {
		this.record = record;
		this.footprint = footprint;
	}

}
