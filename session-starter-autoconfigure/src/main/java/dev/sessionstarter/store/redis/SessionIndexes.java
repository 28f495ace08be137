package dev.sessionstarter.store.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ZAddArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;

/**
 * The principal and expiry indexes of the {@code redis} store: keys of their own, changed by
 * commands of their own after the session's script (no script touches keys of two cluster
 * slots). Each method issues its commands on the commands it is given and returns their
 * futures, for the caller to pipeline with others.
 *
 * <p>The expiry index lists every stored session, scored by its expiry when it was created or
 * its timeout last changed: an access moves a session's expiry later without a write here, so a
 * score is never later than the session's expiry, and the purge, finding a session whose score
 * has passed but which has not expired, scores it again. The principal index may list ids of
 * sessions that are gone (deleted by another instance meanwhile, or removed by Redis after
 * their time to live); readers skip and remove those.
 */
final class SessionIndexes {

	/**
	 * The score of a session that never expires.
	 */
	static final double NEVER = Long.MAX_VALUE;

	private final RedisKeys keys;

	SessionIndexes(RedisKeys keys) {
		this.keys = keys;
	}

	/**
	 * Index a session after a save.
	 * @param commands where to issue the commands
	 * @param saved the saved session
	 * @param previousPrincipal the principal it was indexed under before, if any
	 * @param created whether the save created it
	 * @param timeoutChanged whether the save changed its timeout (it is then scored again, if it
	 * is still listed: not when another instance deleted it meanwhile)
	 * @return the futures of the commands issued, none if nothing changed
	 */
	List<RedisFuture<?>> saved(RedisClusterAsyncCommands<byte[], byte[]> commands, SessionRecord saved,
			@Nullable String previousPrincipal, boolean created, boolean timeoutChanged) {
		List<RedisFuture<?>> futures = new ArrayList<>(3);
		byte[] id = SessionHash.bytes(saved.id());
		if (created) {
			futures.add(commands.zadd(this.keys.expiryBucket(saved.id()), score(saved), id));
		}
		else if (timeoutChanged) {
			futures.add(commands.zadd(this.keys.expiryBucket(saved.id()), ZAddArgs.Builder.xx(), score(saved), id));
		}
		String principal = saved.principalName();
		if (!Objects.equals(previousPrincipal, principal)) {
			if (previousPrincipal != null) {
				futures.add(commands.srem(this.keys.principal(previousPrincipal), id));
			}
			if (principal != null) {
				futures.add(commands.sadd(this.keys.principal(principal), id));
			}
		}
		return futures;
	}

	/**
	 * Index a session after a save, in a round trip of its own, if the save created it, changed
	 * its timeout or its principal.
	 * @param calls the calls to Redis
	 * @param change the change saved
	 * @param saved the saved session
	 * @param created whether the save created it
	 * @param previousPrincipal the principal it was indexed under before, if any
	 */
	void afterSave(RedisCalls calls, SessionChange change, SessionRecord saved, boolean created,
			@Nullable String previousPrincipal) {
		boolean timeoutChanged = change.maxInactiveMillis() != null;
		if (created || timeoutChanged || !Objects.equals(previousPrincipal, saved.principalName())) {
			calls.callAll("save", (commands) -> saved(commands, saved, previousPrincipal, created, timeoutChanged));
		}
	}

	/**
	 * Whether the index entries of a session a change may create can be written without the
	 * save's answer ({@link #creating}): it creates, and it carries the access time and timeout
	 * the session's expiry is counted from.
	 * @param change the change
	 * @return whether {@link #creating} may be used for it
	 */
	boolean canIndexCreating(SessionChange change) {
		return change.isCreate() && !change.isRename() && change.lastAccessedTime() != null
				&& change.maxInactiveMillis() != null;
	}

	/**
	 * Index a session a change creates, pipelined with its save, before its answer: the expiry
	 * index entry only if the session is not listed yet ({@code NX}: a session the change turns
	 * out to merge into keeps its score, never later than its expiry) and the principal the change
	 * sets. If the save did not create the session, the caller indexes it as {@link #saved} says;
	 * an entry for a session not stored is skipped by readers and the purge.
	 * @param commands where to issue the commands
	 * @param change the change, for which {@link #canIndexCreating} holds
	 * @return the futures of the commands issued
	 */
	List<RedisFuture<?>> creating(RedisClusterAsyncCommands<byte[], byte[]> commands, SessionChange change) {
		List<RedisFuture<?>> futures = new ArrayList<>(2);
		byte[] id = SessionHash.bytes(change.id());
		long maxInactive = Objects.requireNonNull(change.maxInactiveMillis());
		double score = (maxInactive < 0) ? NEVER : Objects.requireNonNull(change.lastAccessedTime()) + maxInactive;
		futures.add(commands.zadd(this.keys.expiryBucket(change.id()), ZAddArgs.Builder.nx(), score, id));
		if (change.isPrincipalNameChanged() && change.principalName() != null) {
			futures.add(commands.sadd(this.keys.principal(change.principalName()), id));
		}
		return futures;
	}

	/**
	 * List a session again that a purge claimed but found not expired.
	 * @param commands where to issue the command
	 * @param id the session id
	 * @param expiresAt its expiry, epoch millis, negative for never
	 * @return the future of the command
	 */
	RedisFuture<?> requeue(RedisClusterAsyncCommands<byte[], byte[]> commands, String id, long expiresAt) {
		return commands.zadd(this.keys.expiryBucket(id), (expiresAt < 0) ? NEVER : expiresAt, SessionHash.bytes(id));
	}

	/**
	 * Remove a session from both indexes.
	 * @param commands where to issue the commands
	 * @param id the session id
	 * @param principal the principal it was indexed under, if any
	 * @return the futures of the commands issued
	 */
	List<RedisFuture<?>> removed(RedisClusterAsyncCommands<byte[], byte[]> commands, String id,
			@Nullable String principal) {
		List<RedisFuture<?>> futures = new ArrayList<>(2);
		byte[] member = SessionHash.bytes(id);
		futures.add(commands.zrem(this.keys.expiryBucket(id), member));
		if (principal != null) {
			futures.add(commands.srem(this.keys.principal(principal), member));
		}
		return futures;
	}

	private static double score(SessionRecord record) {
		return (record.maxInactiveMillis() < 0) ? NEVER : record.lastAccessedTime() + record.maxInactiveMillis();
	}

}
