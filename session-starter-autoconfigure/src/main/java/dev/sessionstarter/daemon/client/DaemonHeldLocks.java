package dev.sessionstarter.daemon.client;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionRecord;

/**
 * The daemon request locks this process holds, shared by the {@link DaemonSessionLockManager}
 * that takes them and the {@link DaemonSessionStore} that saves the sessions they guard (the
 * daemon's counterpart of the Redis store's held locks): the store serves the session the lock
 * call answered ({@code LOCK_FIND}) instead of reading it again, and the save of the request
 * releases the lock in the same call ({@code SAVE_UNLOCK}), so a returning request costs two
 * round trips. Both must call the same daemon. The requests of one session are serialized by
 * the lock, so a process holds at most one lock per session id.
 */
public final class DaemonHeldLocks {

	private final ConcurrentHashMap<String, Held> held = new ConcurrentHashMap<>();

	private final DaemonSessionCopies copies = new DaemonSessionCopies(DaemonSessionCopies.DEFAULT_MAX_BYTES);

	/**
	 * Whether a lock manager sends the versions of {@link #copies} with its lock calls, so that
	 * they are worth keeping.
	 */
	private volatile boolean copiesUsed;

	void add(Held lock) {
		this.held.put(lock.sessionId(), lock);
	}

	void remove(Held lock) {
		this.held.remove(lock.sessionId(), lock);
	}

	@Nullable Held get(String sessionId) {
		return this.held.get(sessionId);
	}

	/**
	 * Keep the last copies of the sessions read and saved from now on, for the lock manager
	 * to send their versions with its lock calls.
	 */
	void useCopies() {
		this.copiesUsed = true;
	}

	/**
	 * Keep a session as the daemon answered it, if copies are used.
	 * @param record the record
	 */
	void keepCopy(SessionRecord record) {
		if (this.copiesUsed) {
			this.copies.keep(record);
		}
	}

	/**
	 * Forget the copy of a session, which the daemon no longer keeps as it was.
	 * @param id the session id
	 */
	void forgetCopy(String id) {
		if (this.copiesUsed) {
			this.copies.forget(id);
		}
	}

	/**
	 * Return the copy of a session, if one is kept.
	 * @param id the session id
	 * @return the copy, or {@code null}
	 */
	@Nullable SessionRecord copy(String id) {
		return this.copiesUsed ? this.copies.get(id) : null;
	}

	/**
	 * Return how many locks this process holds with a session answered.
	 * @return the number
	 */
	public int size() {
		return this.held.size();
	}

	/**
	 * One held lock: its token, the session as the lock call found it until the store uses or
	 * outdates it, and whether a save of the request released it already.
	 */
	static final class Held {

		private final String sessionId;

		private final long token;

		private final AtomicReference<@Nullable Prefetched> prefetched;

		private volatile boolean releasedBySave;

		Held(String sessionId, long token, @Nullable Prefetched prefetched) {
			this.sessionId = sessionId;
			this.token = token;
			this.prefetched = new AtomicReference<>(prefetched);
		}

		String sessionId() {
			return this.sessionId;
		}

		long token() {
			return this.token;
		}

		@Nullable Prefetched prefetched() {
			return this.prefetched.get();
		}

		void outdate() {
			this.prefetched.set(null);
		}

		boolean isReleasedBySave() {
			return this.releasedBySave;
		}

		void releasedBySave() {
			this.releasedBySave = true;
		}

	}

	/**
	 * The session a lock call found: its record, or {@code null} when there was none.
	 * @param record the record
	 */
	record Prefetched(@Nullable SessionRecord record) {
	}

}
