package dev.sessionstarter.daemon.client;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;

/**
 * The {@link DaemonSessionStore}'s side of the request locks a {@link DaemonSessionLockManager}
 * of the same daemon holds: the session a lock call answered, served once in place of a call;
 * the copies kept for the lock calls to send the version of; which save releases its lock; and
 * the retained locks that a write outside its lock must stop trusting. Thread-safe.
 */
final class DaemonStoreLocks {

	private final DaemonClient client;

	private volatile DaemonHeldLocks heldLocks = new DaemonHeldLocks();

	private volatile boolean savesReleaseLocks = true;

	DaemonStoreLocks(DaemonClient client) {
		this.client = client;
	}

	DaemonHeldLocks heldLocks() {
		return this.heldLocks;
	}

	void setHeldLocks(DaemonHeldLocks heldLocks) {
		Assert.notNull(heldLocks, "'heldLocks' must not be null");
		heldLocks.identify(this.client);
		this.heldLocks = heldLocks;
	}

	void setSavesReleaseLocks(boolean savesReleaseLocks) {
		this.savesReleaseLocks = savesReleaseLocks;
	}

	/**
	 * Return what the lock call of a locked session answered, if it was not used yet.
	 * @param id the session id
	 * @param use whether this is the read that uses it (it is then served no more)
	 * @return the answer, or {@code null} if there is none to serve
	 */
	DaemonHeldLocks.@Nullable Prefetched prefetched(String id, boolean use) {
		HeldDaemonLock lock = this.heldLocks.get(id);
		DaemonHeldLocks.Prefetched prefetched = (lock != null) ? lock.prefetched() : null;
		if (prefetched != null && use) {
			lock.outdate();
		}
		return prefetched;
	}

	/**
	 * Keep what the daemon answered for a session as the copy whose version the lock manager
	 * sends ({@link DaemonHeldLocks#keepCopy}), or forget the copy when none is stored.
	 * @param id the session id
	 * @param record what the daemon answered
	 * @return the record
	 */
	@Nullable SessionRecord remembered(String id, @Nullable SessionRecord record) {
		if (record != null) {
			this.heldLocks.keepCopy(record);
		}
		else {
			this.heldLocks.forgetCopy(id);
		}
		return record;
	}

	/**
	 * Prepare a save: what the lock calls answered is outdated, and so is the retained copy
	 * of a session the save writes without releasing its lock.
	 * @param change the change to save
	 * @return the lock the save releases in the same call, or {@code null}
	 */
	@Nullable HeldDaemonLock beforeSave(SessionChange change) {
		HeldDaemonLock lock = this.heldLocks.get(change.id());
		outdate(change.id());
		if (change.previousId() != null) {
			outdate(change.previousId());
			this.heldLocks.forgetCopy(change.previousId());
			this.heldLocks.invalidate(change.previousId());
		}
		boolean release = lock != null && this.savesReleaseLocks && !change.isRename() && !lock.isReleasedBySave();
		if (!release) {
			// a write the lock's retained copy would not show (no lock, a rename, flush-mode=immediate)
			this.heldLocks.invalidate(change.id());
		}
		return release ? lock : null;
	}

	/**
	 * Prepare a write outside the request lock (a delete): nothing known of the session may be
	 * served any more.
	 * @param id the session id
	 * @param forgetCopy whether the kept copy is forgotten now
	 */
	void beforeWrite(String id, boolean forgetCopy) {
		outdate(id);
		this.heldLocks.invalidate(id);
		if (forgetCopy) {
			this.heldLocks.forgetCopy(id);
		}
	}

	void forgetCopy(String id) {
		this.heldLocks.forgetCopy(id);
	}

	/**
	 * Forget the session a lock call answered for an id, once this process changes it.
	 */
	private void outdate(String id) {
		HeldDaemonLock lock = this.heldLocks.get(id);
		if (lock != null) {
			lock.outdate();
		}
	}

}
