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

	RedisCopyHandle(String id, RedisSessionStore store, SessionWrites writes, RedisHeldLocks heldLocks) {
		this.id = id;
		this.store = store;
		this.writes = writes;
		this.heldLocks = heldLocks;
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
			this.heldLocks.cached(this.id, null);
			throw ex;
		}
		this.heldLocks.cached(this.id, (saved != null) ? saved.version() : null);
		return saved;
	}

	@Override
	public void close() {
		this.heldLocks.cached(this.id, null);
	}

}
