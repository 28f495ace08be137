package dev.sessionstarter.store.file;

import java.nio.channels.FileLock;

import org.jspecify.annotations.Nullable;

/**
 * One OS lock of {@link HeldBytes} on one or two neighbouring bytes of a lock file, and how many
 * holders in this JVM share each byte; guarded by its stripe of {@link HeldBytes}.
 */
final class HeldRange {

	final LockFile.Opened opened;

	final long position;

	final Long key;

	final @Nullable Long nextKey;

	final FileLock lock;

	private final int[] holders = new int[2];

	// the keys are kept so that giving the lock back boxes no position
	HeldRange(LockFile.Opened opened, Long key, @Nullable Long nextKey, FileLock lock) {
		this.opened = opened;
		this.position = key;
		this.key = key;
		this.nextKey = nextKey;
		this.lock = lock;
	}

	/**
	 * Add a holder of a byte.
	 * @param position the byte, one of the range's
	 * @return the holder's share
	 */
	HeldBytes.Hold join(long position) {
		this.holders[(int) (position - this.position)]++;
		return new HeldBytes.Hold(this, position);
	}

	/**
	 * Give up one holder of a byte.
	 * @param position the byte, one of the range's
	 * @return whether no byte has a holder left
	 */
	boolean leave(long position) {
		this.holders[(int) (position - this.position)]--;
		return this.holders[0] == 0 && this.holders[1] == 0;
	}

}
