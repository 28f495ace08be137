package dev.sessionstarter.store.file;

import java.nio.channels.FileLock;
import java.util.HashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The bytes of one lock file whose OS locks this JVM holds (see {@link LockTable}), each shared
 * by every holder in the JVM: a byte is asked of the OS when its first holder comes and given
 * back when its last one goes. One OS lock may cover two neighbouring bytes (a slot's request
 * byte and its record byte), given back when neither has a holder left. The bytes are guarded
 * in stripes by slot, so threads that lock other slots do not wait for each other's OS calls.
 * Thread-safe.
 */
final class HeldBytes {

	private static final Log logger = LogFactory.getLog(HeldBytes.class);

	private static final int STRIPES = 64;

	private final LockFile lockFile;

	/** The OS locks held, by each byte they cover, in stripes by slot; each guarded by itself. */
	@SuppressWarnings("unchecked")
	private final HashMap<Long, HeldRange>[] ranges = new HashMap[STRIPES];

	HeldBytes(LockFile lockFile) {
		this.lockFile = lockFile;
		for (int i = 0; i < STRIPES; i++) {
			this.ranges[i] = new HashMap<>();
		}
	}

	/**
	 * Hold a slot's byte for this JVM: join this JVM's hold of it, or ask the OS until it grants
	 * it or the deadline passes; either way, only while the path still names the file the lock
	 * is in, which is looked at unless the caller trusts the file as opened now.
	 * @param id the id, hashed to its slot by the key of the file as opened
	 * @param slots the number of slots of the file
	 * @param record whether the record byte of the slot is wanted, else its request byte
	 * @param withRecord whether the request byte is asked for with the record byte in one call
	 * when this JVM holds neither (its holders then join without an OS call)
	 * @param trusted the lock file as opened when the caller last found it current, or
	 * {@code null}
	 * @param deadline the {@link System#nanoTime()} to give up at
	 * @return the hold, or {@code null} if the deadline passed
	 * @throws InterruptedException if the thread is interrupted while waiting
	 */
	@Nullable Hold hold(String id, int slots, boolean record, boolean withRecord, LockFile.@Nullable Opened trusted,
			long deadline) throws InterruptedException {
		long backoff = Backoff.FIRST_PAUSE_NANOS;
		while (true) {
			LockFile.Opened opened = this.lockFile.opened();
			long position = ((long) opened.hash.slot(id, slots) << 1) | (record ? 1 : 0);
			Hold held = tryHold(opened, position, withRecord && !record);
			if (held != null) {
				if (opened == trusted || this.lockFile.isCurrent(opened)) {
					return held;
				}
				release(held);
				this.lockFile.reopen(opened);
				continue;
			}
			if (this.lockFile.reopenIfClosed(opened)) {
				continue;
			}
			backoff = Backoff.pause(deadline, backoff);
			if (backoff < 0) {
				return null;
			}
		}
	}

	private @Nullable Hold tryHold(LockFile.Opened opened, long position, boolean withNext) {
		HashMap<Long, HeldRange> ranges = stripe(position);
		synchronized (ranges) {
			Long key = position;
			HeldRange existing = ranges.get(key);
			if (existing != null && existing.opened == opened) {
				return existing.join(position);
			}
			Long nextKey = withNext ? position + 1 : null;
			HeldRange next = (nextKey != null) ? ranges.get(nextKey) : null;
			boolean both = nextKey != null && (next == null || next.opened != opened);
			FileLock lock = this.lockFile.tryLock(opened, position, both ? 2 : 1);
			if (lock == null) {
				return null;
			}
			HeldRange range = new HeldRange(opened, key, both ? nextKey : null, lock);
			ranges.put(key, range);
			if (range.nextKey != null) {
				ranges.put(range.nextKey, range);
			}
			return range.join(position);
		}
	}

	/**
	 * Give up a hold; the last holder of every byte of an OS lock releases it.
	 * @param hold the hold
	 */
	void release(Hold hold) {
		HeldRange range = hold.range;
		HashMap<Long, HeldRange> ranges = stripe(range.position);
		synchronized (ranges) {
			if (!range.leave(hold.position)) {
				return;
			}
			ranges.remove(range.key, range);
			if (range.nextKey != null) {
				ranges.remove(range.nextKey, range);
			}
			// Inside the guard: a thread that finds the byte no longer held asks the OS for it
			// at once, and the JDK refuses a range this JVM still holds (OverlappingFileLockException)
			OsLockCalls.release(range.lock);
		}
	}

	/**
	 * Forget the bytes held in a lock file as opened before its channel was found closed: the OS
	 * released their locks with it. Those held in the file as opened since are kept. Called
	 * under no stripe's monitor (it takes each in turn).
	 * @param closed the file as opened with the closed channel
	 */
	void forget(LockFile.Opened closed) {
		int forgotten = 0;
		for (HashMap<Long, HeldRange> ranges : this.ranges) {
			synchronized (ranges) {
				int before = ranges.size();
				ranges.values().removeIf((range) -> range.opened == closed);
				forgotten += before - ranges.size();
			}
		}
		if (forgotten > 0) {
			logger.warn("The OS released the locks of " + forgotten + " bytes of " + this.lockFile.path()
					+ " with the closed channel; they are no longer held");
		}
	}

	/** The stripe of a byte: both bytes of a slot are in one. */
	private HashMap<Long, HeldRange> stripe(long position) {
		return this.ranges[(int) (position >>> 1) & (STRIPES - 1)];
	}

	/** One holder's share of a held byte. */
	static final class Hold {

		final LockFile.Opened opened;

		final HeldRange range;

		final long position;

		Hold(HeldRange range, long position) {
			this.range = range;
			this.position = position;
			this.opened = range.opened;
		}

	}

}
