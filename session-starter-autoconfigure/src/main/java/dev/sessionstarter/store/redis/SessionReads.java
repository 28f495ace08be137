package dev.sessionstarter.store.redis;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.redis.RedisHeldLocks.Prefetched;

/**
 * The reads of the {@link RedisSessionStore}: a session whose request lock this process holds is
 * served as the lock call found it, without loading it again; any other is loaded
 * ({@code HGETALL}) and kept as the copy its next save applies to (the lock's, or this thread's
 * last).
 */
final class SessionReads {

	private final RedisCalls calls;

	private final RedisKeys keys;

	private final RedisHeldLocks heldLocks;

	private final LastCopies lastCopies;

	SessionReads(RedisCalls calls, RedisKeys keys, RedisHeldLocks heldLocks, LastCopies lastCopies) {
		this.calls = calls;
		this.keys = keys;
		this.heldLocks = heldLocks;
		this.lastCopies = lastCopies;
	}

	@Nullable SessionRecord find(String id) {
		Held lock = this.heldLocks.get(id);
		Prefetched prefetched = (lock != null) ? lock.prefetched() : null;
		if (prefetched != null) {
			lock.outdate();
			if (!prefetched.isVersionOnly()) {
				return prefetched.record();
			}
		}
		Map<byte[], byte[]> hash = this.calls.call("find", (commands) -> commands.hgetall(this.keys.session(id)));
		SessionRecord found = (hash == null || hash.isEmpty()) ? null : SessionHash.read(id, hash);
		if (lock != null && found != null) {
			lock.copy(found);
		}
		else if (lock == null) {
			this.lastCopies.remember(found);
		}
		return found;
	}

	@Nullable Long version(String id) {
		Held lock = this.heldLocks.get(id);
		Prefetched prefetched = (lock != null) ? lock.prefetched() : null;
		if (prefetched != null) {
			return prefetched.version();
		}
		byte[] version = this.calls.call("version",
				(commands) -> commands.hget(this.keys.session(id), SessionHash.bytes("version")));
		return (version != null) ? SessionHash.number(version) : null;
	}

}
