package dev.sessionstarter.store.file;

import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The bytes of one lock file whose OS locks this JVM holds (see {@link LockTable}), each shared
 * by every holder in the JVM: a byte is asked of the OS when its first holder comes and given
 * back when its last one goes. One OS lock may cover two neighbouring bytes (a request byte and
 * its slot's record byte), given back when neither has a holder left. Thread-safe.
 */
final class HeldBytes {

	private static final Log logger = LogFactory.getLog(HeldBytes.class);

	private final LockFile lockFile;

	private final Path file;

	/**
	 * The OS locks held, by each byte they cover; guarded by itself.
	 */
	private final Map<Long, Range> ranges = new HashMap<>();

	HeldBytes(LockFile lockFile, Path file) {
		this.lockFile = lockFile;
		this.file = file;
	}

	/**
	 * Join this JVM's hold of a byte of an opened file, or ask the OS for it without waiting.
	 * @param opened the file as opened now
	 * @param position the byte
	 * @param withNext whether to ask for the next byte in the same call when this JVM holds it
	 * not (its holders then join without an OS call until both are given back)
	 * @return the hold, or {@code null} if another process holds the byte
	 */
	@Nullable Hold hold(LockFile.Opened opened, long position, boolean withNext) {
		synchronized (this.ranges) {
			Range existing = this.ranges.get(position);
			if (existing != null && existing.opened == opened) {
				return existing.join(position);
			}
			Range next = withNext ? this.ranges.get(position + 1) : null;
			int size = (withNext && (next == null || next.opened != opened)) ? 2 : 1;
			FileLock lock = this.lockFile.tryLock(opened, position, size);
			if (lock == null) {
				return null;
			}
			Range range = new Range(opened, position, size, lock);
			for (int i = 0; i < size; i++) {
				this.ranges.put(position + i, range);
			}
			return range.join(position);
		}
	}

	/**
	 * Give up a hold; the last holder of every byte of an OS lock releases it.
	 * @param hold the hold
	 */
	void release(Hold hold) {
		synchronized (this.ranges) {
			Range range = hold.range;
			if (!range.leave(hold.position)) {
				return;
			}
			for (int i = 0; i < range.size; i++) {
				this.ranges.remove(range.position + i, range);
			}
			// Inside the guard: a thread that finds the byte no longer held asks the OS for it
			// at once, and the JDK refuses a range this JVM still holds (OverlappingFileLockException)
			LockFile.release(range.lock);
		}
	}

	/**
	 * Forget the bytes held after the lock file's channel was found closed: the OS released
	 * their locks with it.
	 */
	void forget() {
		synchronized (this.ranges) {
			if (!this.ranges.isEmpty()) {
				logger.warn("The OS released the locks of " + this.ranges.size() + " bytes of " + this.file
						+ " with the closed channel; they are no longer held");
				this.ranges.clear();
			}
		}
	}

	/**
	 * One holder's share of a held byte.
	 */
	static final class Hold {

		final LockFile.Opened opened;

		private final Range range;

		private final long position;

		private Hold(Range range, long position) {
			this.range = range;
			this.position = position;
			this.opened = range.opened;
		}

	}

	/**
	 * One OS lock on one or two bytes, and how many holders share each byte.
	 */
	private static final class Range {

		final LockFile.Opened opened;

		final long position;

		final int size;

		final FileLock lock;

		private final int[] holders;

		Range(LockFile.Opened opened, long position, int size, FileLock lock) {
			this.opened = opened;
			this.position = position;
			this.size = size;
			this.lock = lock;
			this.holders = new int[size];
		}

		Hold join(long position) {
			this.holders[(int) (position - this.position)]++;
			return new Hold(this, position);
		}

		/**
		 * Give up one holder of a byte.
		 * @return whether no byte has a holder left
		 */
		boolean leave(long position) {
			this.holders[(int) (position - this.position)]--;
			for (int count : this.holders) {
				if (count > 0) {
					return false;
				}
			}
			return true;
		}

	}

}
