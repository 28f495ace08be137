package dev.sessionstarter.store.file;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The record locks of a session directory (see {@link LockKind#RECORD}): held by the
 * store while it reads, merges and writes one session file, so that every JVM sharing the
 * directory applies its changes to the newest record. A lock that cannot be had in 30 seconds
 * (a holder that hangs) fails the operation rather than the request waiting for ever.
 */
final class RecordLocks {

	private static final long TIMEOUT_NANOS = Duration.ofSeconds(30).toNanos();

	private final LockTable table;

	RecordLocks(LockTable table) {
		this.table = table;
	}

	/**
	 * Take the record lock of a session.
	 * @param id the session id
	 * @return the held lock
	 * @throws IllegalStateException if it cannot be had in time, or the thread is interrupted
	 */
	HeldLock lock(String id) {
		try {
			HeldLock lock = this.table.acquire(id, LockKind.RECORD, TIMEOUT_NANOS);
			if (lock == null) {
				throw new IllegalStateException("Timed out waiting for the record lock of session " + id);
			}
			return lock;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted waiting for the record lock of session " + id, ex);
		}
	}

	/**
	 * Take the record locks of a change's id and of the id it renames, always in the order of
	 * their slots (then of the ids), so two renames cannot wait for each other.
	 * @param id the session id
	 * @param previousId the id it renames, or {@code null}
	 * @return the held locks, released together
	 */
	HeldLock lock(String id, @Nullable String previousId) {
		if (previousId == null || previousId.equals(id)) {
			return lock(id);
		}
		int order = Integer.compare(this.table.slot(previousId), this.table.slot(id));
		boolean previousFirst = (order != 0) ? order < 0 : previousId.compareTo(id) < 0;
		HeldLock first = lock(previousFirst ? previousId : id);
		try {
			HeldLock second = lock(previousFirst ? id : previousId);
			return new HeldLock(() -> {
				try {
					second.close();
				}
				finally {
					first.close();
				}
			});
		}
		catch (RuntimeException ex) {
			first.close();
			throw ex;
		}
	}

}
