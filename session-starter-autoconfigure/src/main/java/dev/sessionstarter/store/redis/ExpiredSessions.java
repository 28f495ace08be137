package dev.sessionstarter.store.redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.RemovalListener;
import dev.sessionstarter.store.SessionRecord;

/**
 * Removes expired sessions of the {@code redis} store, on access and by the purge, so that each
 * is removed, and so reported, by one caller of one instance only: the script that removes a
 * session's hash ({@link SessionScripts#TAKE_EXPIRED}) answers its record once, and the purge
 * first claims each due id from the expiry index ({@code ZREM} answering 1 to one instance), so
 * that instances purging at once share the work instead of repeating it.
 */
final class ExpiredSessions {

	private static final int PURGE_BATCH = 500;

	private final RedisCalls calls;

	private final RedisKeys keys;

	private final SessionIndexes indexes;

	private final RedisHeldLocks heldLocks;

	private volatile RemovalListener removalListener = RemovalListener.NONE;

	ExpiredSessions(RedisCalls calls, RedisKeys keys, SessionIndexes indexes, RedisHeldLocks heldLocks) {
		this.calls = calls;
		this.keys = keys;
		this.indexes = indexes;
		this.heldLocks = heldLocks;
	}

	void setRemovalListener(RemovalListener removalListener) {
		this.removalListener = removalListener;
	}

	/**
	 * Remove a session that was found expired on access, and report it to the removal listener.
	 * @param id the session id
	 * @param now the current time
	 * @return whether it was removed
	 */
	boolean deleteIfExpired(String id, Instant now) {
		SessionRecord expired = removeIfExpired(id, now);
		if (expired == null) {
			return false;
		}
		this.removalListener.removed(expired, RemovalCause.EXPIRED);
		return true;
	}

	/**
	 * Remove every listed session whose score has passed and that has expired, and report each
	 * to the removal listener.
	 * @param now the current time
	 * @return the number this instance removed
	 */
	int purgeAndReport(Instant now) {
		List<SessionRecord> removed = purge(now);
		removed.forEach((record) -> this.removalListener.removed(record, RemovalCause.EXPIRED));
		return removed.size();
	}

	/**
	 * Remove a session that was found expired on access, and its index entries.
	 * @param id the session id
	 * @param now the current time
	 * @return the removed record, or {@code null} if it is gone or no longer expired
	 */
	@Nullable SessionRecord removeIfExpired(String id, Instant now) {
		SessionRecord expired = take(id, now, "delete-expired", false);
		if (expired != null) {
			this.calls.callAll("delete-expired",
					(commands) -> this.indexes.removed(commands, id, expired.principalName()));
		}
		return expired;
	}

	/**
	 * Remove every listed session whose score has passed and that has expired.
	 * @param now the current time
	 * @return the records this instance removed
	 */
	List<SessionRecord> purge(Instant now) {
		List<SessionRecord> removed = new ArrayList<>();
		Range<Long> due = Range.from(Range.Boundary.unbounded(), Range.Boundary.including(now.toEpochMilli()));
		for (byte[] bucket : this.keys.expiryBuckets()) {
			List<byte[]> batch;
			do {
				batch = this.calls.call("purge",
						(commands) -> commands.zrangebyscore(bucket, due, Limit.create(0, PURGE_BATCH)));
				List<byte[]> members = batch;
				List<Long> claims = this.calls.callAll("purge", (commands) -> {
					List<RedisFuture<Long>> futures = new ArrayList<>(members.size());
					members.forEach((member) -> futures.add(commands.zrem(bucket, member)));
					return futures;
				});
				for (int i = 0; i < members.size(); i++) {
					if (Long.valueOf(1).equals(claims.get(i))) {
						SessionRecord expired = purge(Objects.requireNonNull(SessionHash.string(members.get(i))), now);
						if (expired != null) {
							removed.add(expired);
						}
					}
				}
			}
			while (batch.size() == PURGE_BATCH);
		}
		return removed;
	}

	private @Nullable SessionRecord purge(String id, Instant now) {
		SessionRecord expired = take(id, now, "purge", true);
		String principal = (expired != null) ? expired.principalName() : null;
		if (principal != null) {
			this.calls.call("purge",
					(commands) -> commands.srem(this.keys.principal(principal), SessionHash.bytes(id)));
		}
		return expired;
	}

	/**
	 * Remove a session if it has expired; when it has not, and the purge claimed it from the
	 * expiry index, list it again with its expiry.
	 */
	private @Nullable SessionRecord take(String id, Instant now, String operation, boolean claimed) {
		Held lock = this.heldLocks.get(id);
		List<Object> answer = this.calls.scripts().script(SessionScripts.TAKE_EXPIRED, operation,
				new byte[][] { this.keys.session(id), this.keys.lock(id) }, SessionHash.number(now.toEpochMilli()),
				(lock != null) ? lock.token() : SessionHash.EMPTY, this.keys.lockRequestsPrefix(),
				SessionHash.bytes(id));
		if (answer.isEmpty()) {
			return null;
		}
		if (RetainedLockWait.isRefused(answer)) {
			// another instance retains the session's lock, and was asked to release it: try again later
			if (claimed) {
				long later = now.toEpochMilli() + RetainedLockWait.remainingMillis(answer);
				this.calls.call(operation, (commands) -> this.indexes.requeue(commands, id, later));
			}
			return null;
		}
		if (SessionHash.number(answer.get(0)) == 1) {
			if (lock != null) {
				// removed under a lock of this process: not a session to serve from a retention
				lock.written(false);
			}
			return SessionHash.read(id, answer, 1);
		}
		if (claimed) {
			long expiresAt = SessionHash.number(answer.get(1));
			this.calls.call(operation, (commands) -> this.indexes.requeue(commands, id, expiresAt));
		}
		return null;
	}

}
