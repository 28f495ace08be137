package dev.sessionstarter.store.file;

import dev.sessionstarter.lock.IdLocks;

/**
 * A lock of a {@link LockTable}: its id's entry in this JVM and its byte's hold. A request lock
 * stands for the request's scope too ({@link LockTable#requestScope()}).
 */
final class TableLock extends HeldLock {

	private final HeldBytes heldBytes;

	private final IdLocks ids;

	private final String id;

	private final IdLocks.Entry entry;

	final HeldBytes.Hold held;

	TableLock(HeldBytes heldBytes, IdLocks ids, String id, IdLocks.Entry entry, HeldBytes.Hold held) {
		this.heldBytes = heldBytes;
		this.ids = ids;
		this.id = id;
		this.entry = entry;
		this.held = held;
	}

	@Override
	protected void release() {
		try {
			this.heldBytes.release(this.held);
		}
		finally {
			this.ids.release(this.id, this.entry);
		}
	}

}
