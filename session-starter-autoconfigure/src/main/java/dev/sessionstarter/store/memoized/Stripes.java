package dev.sessionstarter.store.memoized;

import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * The in-memory locks that serialize, within this process, what a cache does with one id
 * (changes, deletes, cache fills, uses of the id's handle): one of a fixed set of stripes per
 * id, so their number never grows with the sessions.
 */
final class Stripes {

	private static final int COUNT = 1024;

	private final ReentrantLock[] locks = new ReentrantLock[COUNT];

	Stripes() {
		for (int i = 0; i < COUNT; i++) {
			this.locks[i] = new ReentrantLock();
		}
	}

	/**
	 * Return the stripe of an id.
	 * @param id the session id
	 * @return its lock
	 */
	ReentrantLock of(String id) {
		return this.locks[index(id)];
	}

	/**
	 * Lock the stripes of an id and of a second id, in a fixed order, so that two threads
	 * locking the same two stripes never wait for each other.
	 * @param id the session id
	 * @param other the second id, or {@code null} to lock the first id's stripe only
	 */
	void lockBoth(String id, @Nullable String other) {
		int index = index(id);
		int otherIndex = (other != null) ? index(other) : index;
		this.locks[Math.min(index, otherIndex)].lock();
		if (otherIndex != index) {
			this.locks[Math.max(index, otherIndex)].lock();
		}
	}

	/**
	 * Unlock what {@link #lockBoth(String, String)} locked, given the same ids.
	 * @param id the session id
	 * @param other the second id, or {@code null}
	 */
	void unlockBoth(String id, @Nullable String other) {
		int index = index(id);
		int otherIndex = (other != null) ? index(other) : index;
		if (otherIndex != index) {
			this.locks[Math.max(index, otherIndex)].unlock();
		}
		this.locks[Math.min(index, otherIndex)].unlock();
	}

	/**
	 * Wait until every thread that holds a stripe now has let go of it, taking and releasing
	 * each in turn, so that whatever they did under it is seen by this thread afterwards.
	 */
	void awaitHolders() {
		for (ReentrantLock lock : this.locks) {
			lock.lock();
			lock.unlock();
		}
	}

	private static int index(String id) {
		int hash = id.hashCode();
		return (hash ^ (hash >>> 16)) & (COUNT - 1);
	}

}
