package dev.sessionstarter.store.memoized;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionHandle;
import dev.sessionstarter.store.SessionRecord;

/**
 * One cached session's {@link SessionHandle handle} on the delegate, with the record the cache
 * last admitted (the base of the next save through the handle) and whether it was used since
 * the {@link HandleClock} last passed it.
 */
final class HeldHandle {

	final SessionHandle handle;

	/**
	 * The record last admitted, which the delegate held when it was admitted; written and read
	 * under the id's stripe.
	 */
	@Nullable SessionRecord record;

	/**
	 * Volatile so that the clock reads and clears it holding no stripe.
	 */
	private volatile boolean used = true;

	HeldHandle(SessionHandle handle) {
		this.handle = handle;
	}

	/**
	 * Mark the handle used: a version check or a save went through it.
	 */
	void use() {
		if (!this.used) {
			// written only when it changes: a handle in use is not written on every hit
			this.used = true;
		}
	}

	/**
	 * Clear the mark, returning whether it was set.
	 * @return {@code true} if the handle was used since the mark was last cleared
	 */
	boolean clearUse() {
		if (this.used) {
			this.used = false;
			return true;
		}
		return false;
	}

}
