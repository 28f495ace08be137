package dev.sessionstarter.store.memory;

import dev.sessionstarter.store.SessionRecord;

/**
 * What a {@link MemorySessionStore} holds for one session: its record, the bytes it is counted
 * for ({@link HeapFootprint}), and its place in the {@link AccessOrder}.
 */
final class MemoryEntry extends AccessOrder.Node {

	final SessionRecord record;

	final long footprint;

	MemoryEntry(SessionRecord record, long footprint) {
		this.record = record;
		this.footprint = footprint;
	}

}
