package dev.sessionstarter.daemon.client;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.WireOutput;
import dev.sessionstarter.store.SessionRecord;

/**
 * One save of a request that keeps its lock retained ({@code SAVE_RETAIN}, protocol version 6):
 * what the request adds to the save, and what the answer makes of the lock. The trust in the
 * lock is counted from when the save is sent (this object is made just before).
 */
final class DaemonSaveRetain {

	private final DaemonRetainedLocks retained;

	private final HeldDaemonLock lock;

	private final long epoch;

	private final long sentAt = System.nanoTime();

	private DaemonSaveRetain(DaemonRetainedLocks retained, HeldDaemonLock lock, long epoch) {
		this.retained = retained;
		this.lock = lock;
		this.epoch = epoch;
	}

	/**
	 * Return the retaining save of a lock's session, or {@code null} if the lock may not be
	 * retained: no retention is set, the notice connection is down, or the lock is wanted.
	 * @param retained the retained locks, or {@code null} without a retention
	 * @param lock the request lock the save releases otherwise
	 * @return the save, or {@code null}
	 */
	static @Nullable DaemonSaveRetain of(@Nullable DaemonRetainedLocks retained, HeldDaemonLock lock) {
		if (retained == null) {
			return null;
		}
		long epoch = retained.epochIfUp();
		RetainedDaemonLock current = lock.retention();
		if (epoch < 0 || (current != null && current.isWanted())) {
			return null;
		}
		return new DaemonSaveRetain(retained, lock, epoch);
	}

	/**
	 * Add the client id and the retention to a {@code SAVE_RETAIN} request, after the lock.
	 * @param request the request
	 */
	void writeTo(WireOutput request) {
		request.writeLong(this.retained.clientId()).writeLong(this.retained.retainMillis());
	}

	/**
	 * The daemon retained the lock for this process, with the record it answered.
	 * @param saved the record
	 */
	void retained(SessionRecord saved) {
		this.lock.retention(this.retained.retained(this.lock.sessionId(), this.lock.token(), saved, this.sentAt,
				this.epoch));
	}

	/**
	 * A save that retains or releases the lock ended: if the daemon released it, the lock is
	 * released by the save; if no answer came, a lock retained before is trusted no more.
	 * @param retained the retained locks, or {@code null} without a retention
	 * @param lock the request lock
	 * @param answered whether the daemon answered
	 * @param kept whether it answered that it retains the lock
	 */
	static void ended(@Nullable DaemonRetainedLocks retained, HeldDaemonLock lock, boolean answered,
			boolean kept) {
		if (kept) {
			return;
		}
		RetainedDaemonLock current = lock.retention();
		if (!answered) {
			if (current != null && retained != null) {
				retained.invalidate(lock.sessionId());
			}
			return;
		}
		if (current != null && retained != null) {
			retained.forget(current);
		}
		lock.retention(null);
		lock.releasedBySave();
	}

}
