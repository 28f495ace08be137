package dev.sessionstarter.store.redis;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

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

	private final ConcurrentHashMap<String, RedisCopyHandle> cachedCopies = new ConcurrentHashMap<>();

	private final AtomicLong connectionEpoch = new AtomicLong();

	private final Object releasesMonitor = new Object();

	private @Nullable LockReleases releases;

	/**
	 * Return the count of the connection losses seen: a retained lock is trusted only while it
	 * is the count of when its save was sent ({@link Retentions}).
	 * @return the count
	 */
	long connectionEpoch() {
		return this.connectionEpoch.get();
	}

	/**
	 * Count a connection loss.
	 */
	void connectionLost() {
		this.connectionEpoch.incrementAndGet();
	}

	/**
	 * Return the one subscription of this process to released locks (and to requests for the
	 * locks it retains), made when first needed.
	 * @param calls how Redis is called
	 * @param keys the keys of the namespace
	 * @return the subscription
	 */
	LockReleases releases(RedisCalls calls, RedisKeys keys) {
		synchronized (this.releasesMonitor) {
			if (this.releases == null) {
				this.releases = new LockReleases(calls, keys);
			}
			return this.releases;
		}
	}

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
	 * Record the handle of a cache in front of the store on a session, whose saves keep the
	 * version of the cache's copy, so that a lock call can ask Redis to answer only whether that
	 * copy is current.
	 * @param handle the handle
	 */
	void cached(RedisCopyHandle handle) {
		this.cachedCopies.put(handle.id(), handle);
	}

	/**
	 * Forget the handle of a cache on a session (the copy left the cache).
	 * @param handle the handle
	 */
	void uncached(RedisCopyHandle handle) {
		this.cachedCopies.remove(handle.id(), handle);
	}

	/**
	 * Return the version of a cache's copy of a session, as its handle last saved it; it may be
	 * out of date, which costs a lock call the whole session, never a wrong answer.
	 * @param sessionId the session id
	 * @return the version, or {@code null} if none is known
	 */
	@Nullable Long cachedVersion(String sessionId) {
		RedisCopyHandle handle = this.cachedCopies.get(sessionId);
		return (handle != null) ? handle.cachedVersion() : null;
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
