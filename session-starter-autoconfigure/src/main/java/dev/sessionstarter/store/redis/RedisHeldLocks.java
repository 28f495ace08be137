package dev.sessionstarter.store.redis;

import java.util.Collection;
import java.util.List;
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

	private final ConcurrentHashMap<String, Long> cachedVersions = new ConcurrentHashMap<>();

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

	/**
	 * Record the version of the copy of a session that a cache in front of the store holds, as
	 * the store last saved it through the cache's handle, so that a lock call can ask Redis to
	 * answer only whether that copy is current.
	 * @param sessionId the session id
	 * @param version the version, or {@code null} to forget it (the copy left the cache)
	 */
	void cached(String sessionId, @Nullable Long version) {
		if (version != null) {
			this.cachedVersions.put(sessionId, version);
		}
		else {
			this.cachedVersions.remove(sessionId);
		}
	}

	/**
	 * Return the version of a cache's copy of a session, as last recorded; it may be out of
	 * date, which costs a lock call the whole session, never a wrong answer.
	 * @param sessionId the session id
	 * @return the version, or {@code null} if none is known
	 */
	@Nullable Long cachedVersion(String sessionId) {
		return this.cachedVersions.get(sessionId);
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
	 * One held lock: its owner token, the session as the lock call found it until the store
	 * uses or outdates it, and whether a save of the request released it already (a save of a
	 * locked session also releases its lock, in the same script).
	 */
	static final class Held {

		private final String sessionId;

		private final byte[] token;

		private final AtomicReference<@Nullable Prefetched> prefetched;

		private volatile boolean lost;

		private volatile long releasedAtVersion = -1;

		private volatile @Nullable SessionRecord copy;

		Held(String sessionId, byte[] token, Prefetched prefetched) {
			this.sessionId = sessionId;
			this.token = token;
			this.prefetched = new AtomicReference<>(prefetched);
			this.copy = prefetched.record();
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

		/**
		 * Return the last whole record of the session this request was given (by the lock call,
		 * a find or a save): a copy a save may ask Redis to apply its change to.
		 * @return the record, or {@code null}
		 */
		@Nullable SessionRecord copy() {
			return this.copy;
		}

		/**
		 * Remember the last whole record of the session this request was given.
		 * @param record the record
		 */
		void copy(SessionRecord record) {
			this.copy = record;
		}

		/**
		 * Return whether a save of this request released the lock in Redis, so that releasing
		 * it has nothing left to tell Redis.
		 * @return whether the lock was released by a save
		 */
		boolean isReleasedBySave() {
			return this.releasedAtVersion >= 0;
		}

		/**
		 * Record that a save released the lock in Redis, leaving the session at a version.
		 * @param version the version the save left
		 */
		void releasedBySave(long version) {
			this.releasedAtVersion = version;
		}

		/**
		 * Return the arguments that fence a save of this lock's session
		 * ({@link SessionSaves#FENCE_ARGUMENTS}).
		 * @param keys the keys of the namespace
		 * @param release whether the save also releases the lock
		 * @return the arguments
		 */
		List<byte[]> fence(RedisKeys keys, boolean release) {
			long released = this.releasedAtVersion;
			return List.of(this.token, (released >= 0) ? SessionHash.number(released) : new byte[0],
					release ? keys.lockReleases() : new byte[0], SessionHash.bytes(this.sessionId));
		}

		boolean isLost() {
			return this.lost;
		}

		void lose() {
			this.lost = true;
		}

	}

	/**
	 * The session a lock call found: its record and version; no record and no version when
	 * there was none; only its version when it was at the version of the cache's copy.
	 * @param record the record, or {@code null}
	 * @param version the version, or {@code null} when there was no session
	 */
	record Prefetched(@Nullable SessionRecord record, @Nullable Long version) {

		static final Prefetched NONE = new Prefetched(null, null);

		static Prefetched of(@Nullable SessionRecord record) {
			return (record != null) ? new Prefetched(record, record.version()) : NONE;
		}

		/**
		 * Whether the lock call answered only the version.
		 * @return {@code true} if there is a session but no record of it
		 */
		boolean isVersionOnly() {
			return this.record == null && this.version != null;
		}

	}

}
