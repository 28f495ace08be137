package dev.sessionstarter.store.redis;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionHandle;
import dev.sessionstarter.store.SessionRecord;

/**
 * A cache's handle on a session of the {@link RedisSessionStore}: nothing held open in Redis,
 * only the version of the cache's copy for this process's lock calls
 * ({@link RedisHeldLocks#cached}).
 */
final class RedisCopyHandle implements SessionHandle {

	private final String id;

	private final RedisSessionStore store;

	private final SessionWrites writes;

	private final RedisHeldLocks heldLocks;

	/**
	 * The version of the cache's copy as this handle's last save left it, or -1 if unknown.
	 */
	private volatile long version = -1;

	/**
	 * Whether the lock calls know this handle; its uses are serialized by the cache.
	 */
	private boolean registered;

	RedisCopyHandle(String id, RedisSessionStore store, SessionWrites writes, RedisHeldLocks heldLocks) {
		this.id = id;
		this.store = store;
		this.writes = writes;
		this.heldLocks = heldLocks;
	}

	String id() {
		return this.id;
	}

	/**
	 * Return the version of the cache's copy, as this handle's last save left it.
	 * @return the version, or {@code null} if unknown
	 */
	@Nullable Long cachedVersion() {
		long version = this.version;
		return (version >= 0) ? version : null;
	}

	@Override
	public @Nullable Long version() {
		return this.store.version(this.id);
	}

	@Override
	public @Nullable SessionRecord save(SessionChange change, SessionRecord current) {
		SessionRecord saved;
		try {
			saved = this.writes.write(change, 0, current);
		}
		catch (RuntimeException ex) {
			this.version = -1;
			throw ex;
		}
		this.version = (saved != null) ? saved.version() : -1;
		if (!this.registered) {
			// once, not a map entry written by every save
			this.heldLocks.cached(this);
			this.registered = true;
		}
		return saved;
	}

	@Override
	public void close() {
		this.version = -1;
		this.heldLocks.uncached(this);
	}

}
