package dev.sessionstarter.store.redis;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionRecord;

/**
 * The Redis request locks this process holds, shared by the {@link RedisSessionLockManager} that
 * takes them and the {@link RedisSessionStore} that saves the sessions they guard: the store
 * fences its saves of a locked session with the lock's owner token, and serves the session the
 * lock call answered instead of loading it again. The requests of one session are serialized
 * across processes by the lock, so a process holds at most one lock per session id.
 */
public final class RedisHeldLocks {

	private final ConcurrentHashMap<String, Held> held = new ConcurrentHashMap<>();

	void add(Held lock) {
		this.held.put(lock.sessionId(), lock);
	}

	void remove(Held lock) {
		this.held.remove(lock.sessionId(), lock);
	}

	/**
	 * Return the lock this process holds on a session.
	 * @param sessionId the session id
	 * @return the lock, or {@code null} if this process holds none on it
	 */
	@Nullable Held get(String sessionId) {
		return this.held.get(sessionId);
	}

	Collection<Held> all() {
		return this.held.values();
	}

	/**
	 * Return how many locks this process holds.
	 * @return the number
	 */
	public int size() {
		return this.held.size();
	}

	/**
	 * One held lock: its owner token, and the session as the lock call found it until the store
	 * uses or outdates it.
	 */
	static final class Held {

		private final String sessionId;

		private final byte[] token;

		private final AtomicReference<@Nullable Prefetched> prefetched;

		private volatile boolean lost;

		Held(String sessionId, byte[] token, @Nullable SessionRecord prefetched) {
			this.sessionId = sessionId;
			this.token = token;
			this.prefetched = new AtomicReference<>(new Prefetched(prefetched));
		}

		String sessionId() {
			return this.sessionId;
		}

		byte[] token() {
			return this.token;
		}

		/**
		 * Return the session as the lock call found it, still current unless this process
		 * wrote it since.
		 * @return the session found (its record, or none), or {@code null} if it is used up
		 */
		@Nullable Prefetched prefetched() {
			return this.prefetched.get();
		}

		/**
		 * Forget the session the lock call found, once used or written since.
		 */
		void outdate() {
			this.prefetched.set(null);
		}

		boolean isLost() {
			return this.lost;
		}

		void lose() {
			this.lost = true;
		}

	}

	/**
	 * The session a lock call found: its record, or {@code null} when there was none.
	 * @param record the record
	 */
	record Prefetched(@Nullable SessionRecord record) {
	}

}
