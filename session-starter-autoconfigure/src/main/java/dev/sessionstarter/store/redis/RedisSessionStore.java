package dev.sessionstarter.store.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

import io.lettuce.core.RedisFuture;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.RemovalListener;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionHandle;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.RemoteUsage;
import dev.sessionstarter.store.StoreUsage;
import dev.sessionstarter.store.redis.RedisHeldLocks.Held;
import dev.sessionstarter.store.redis.RedisHeldLocks.Prefetched;

/**
 * A {@link SessionStore} in Redis, shared by every application instance that uses the same
 * Redis and namespace. A session is one hash ({@link SessionHash}) under a key hash-tagged by
 * its id ({@link RedisKeys}); a save is one script ({@link SessionScripts#SAVE}) that merges the
 * change into the hash, so two instances that change different attributes of one session both
 * keep theirs, and a change to a session deleted meanwhile is dropped.
 *
 * <p>A save sends the version of the copy of the session its change was made on (the record a
 * lock call or {@link #find} gave the request, or a cache's copy through {@link #open}); when the
 * session is still at that version, the script answers only the new version and the change is
 * applied to the copy here ({@link SessionSaves#applied}), which is then exactly what Redis holds.
 *
 * <p>A key lives until its session's expiry plus a margin, so that a purge finds it first and
 * reports it; one that no purge reached (no instance ran for that long) is removed by Redis
 * without an event. Expired sessions are claimed atomically: the script that removes one
 * answers its record to one caller only, so each is reported expired once across all
 * instances. Created and deleted sessions are reported by the instance that made or deleted
 * them (the repository does that).
 *
 * <p>With a {@link RedisSessionLockManager} of this process on the same Redis and namespace
 * ({@link RedisHeldLocks}), a session whose request lock this process holds is served as the
 * lock call found it, without loading it again, and its saves are fenced: a save after the
 * lock's lease ran out is refused ({@link FencedSaveException}, logged and counted in
 * {@link #fencedSaves()}), so it never overwrites what another instance saved meanwhile. Such a
 * save also releases the lock in Redis, in the same script, so a request costs two round trips:
 * the lock (which answers the session) and the save. A later save of the same request is
 * applied only if no other instance took the lock or saved the session since. When every change
 * is saved at once ({@link #setSavesReleaseLocks}), saves keep the lock instead, and the
 * request's release frees it.
 *
 * <p>Every call has the deadline of its {@link RedisCalls}, and fails with a
 * {@link RedisUnavailableException} when Redis does not answer in time; {@link #usage()} keeps
 * its last figures then. It has no size bound of its own; Redis's {@code maxmemory} is it.
 */
public final class RedisSessionStore implements SessionStore {

	private static final Log logger = LogFactory.getLog(RedisSessionStore.class);

	private final RedisCalls calls;

	private final RedisKeys keys;

	private final SessionIndexes indexes;

	private final ExpiredSessions expiredSessions;

	private final long marginMillis;

	private final Clock clock;

	private final RedisHeldLocks heldLocks;

	private final LongAdder fencedSaves = new LongAdder();

	/**
	 * The last whole record of a session this thread found or saved without a request lock: the
	 * copy its next save of the session asks Redis to apply the change to (a request finds and
	 * saves its session on one thread). A stale one costs that save the whole session. Only a copy
	 * of at most {@link #MAX_REMEMBERED_BYTES} of attributes is kept, so that the threads of a
	 * server hold a bounded amount of memory between requests.
	 */
	private final ThreadLocal<@Nullable SessionRecord> lastCopy = new ThreadLocal<>();

	/**
	 * The largest copy, in bytes of encoded attributes, that {@link #lastCopy} keeps.
	 */
	static final int MAX_REMEMBERED_BYTES = 16 * 1024;

	private volatile boolean savesReleaseLocks = true;

	private volatile RemovalListener removalListener = RemovalListener.NONE;

	private final RemoteUsage usage = new RemoteUsage(new StoreUsage(0, -1, -1), this::readUsage,
			RedisUnavailableException.class::isInstance);

	/**
	 * Create a store.
	 * @param calls how Redis is called
	 * @param keys the keys of its namespace
	 * @param expiryMargin how long past its expiry a session's key is kept, for a purge to find
	 * it; longer than the purge interval
	 * @param clock the clock a key's time to live is counted from
	 */
	public RedisSessionStore(RedisCalls calls, RedisKeys keys, Duration expiryMargin, Clock clock) {
		this(calls, keys, expiryMargin, clock, new RedisHeldLocks());
	}

	/**
	 * Create a store that uses and fences the request locks a {@link RedisSessionLockManager}
	 * of this process holds on the same Redis and namespace.
	 * @param calls how Redis is called
	 * @param keys the keys of its namespace
	 * @param expiryMargin how long past its expiry a session's key is kept, for a purge to find
	 * it; longer than the purge interval
	 * @param clock the clock a key's time to live is counted from
	 * @param heldLocks the request locks the lock manager holds
	 */
	public RedisSessionStore(RedisCalls calls, RedisKeys keys, Duration expiryMargin, Clock clock,
			RedisHeldLocks heldLocks) {
		Assert.notNull(calls, "'calls' must not be null");
		Assert.notNull(keys, "'keys' must not be null");
		Assert.isTrue(expiryMargin != null && !expiryMargin.isNegative(), "'expiryMargin' must not be negative");
		Assert.notNull(clock, "'clock' must not be null");
		Assert.notNull(heldLocks, "'heldLocks' must not be null");
		this.heldLocks = heldLocks;
		this.calls = calls;
		this.keys = keys;
		this.indexes = new SessionIndexes(keys);
		this.expiredSessions = new ExpiredSessions(calls, keys, this.indexes);
		this.marginMillis = expiryMargin.toMillis();
		this.clock = clock;
	}

	/**
	 * Set whether a save of a session whose request lock this process holds also releases the
	 * lock, in the same script; {@code true} by default, which saves the request a round trip
	 * when it saves once, at its end ({@code FlushMode.ON_SAVE}). Set it to {@code false} when
	 * every change is saved at once ({@code FlushMode.IMMEDIATE}): the saves of a request then
	 * keep its lock, so no other instance comes between them, and the request's release frees it.
	 * @param savesReleaseLocks whether saves release request locks
	 */
	public void setSavesReleaseLocks(boolean savesReleaseLocks) {
		this.savesReleaseLocks = savesReleaseLocks;
	}

	@Override
	public String type() {
		return "redis";
	}

	/**
	 * Whether loaded sessions are decoded in full: always, since other instances (and other
	 * versions of the application) write the same sessions.
	 * @return {@code true}
	 */
	@Override
	public boolean decodesOnLoad() {
		return true;
	}

	@Override
	public @Nullable SessionRecord find(String id) {
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
			remember(found);
		}
		return found;
	}

	private void remember(@Nullable SessionRecord record) {
		if (record == null || attributeBytes(record) > MAX_REMEMBERED_BYTES) {
			this.lastCopy.remove();
		}
		else {
			this.lastCopy.set(record);
		}
	}

	private static long attributeBytes(SessionRecord record) {
		long bytes = 0;
		for (int i = 0; i < record.attributeCount(); i++) {
			bytes += record.attributeValue(i).length;
		}
		return bytes;
	}

	@Override
	public @Nullable Long version(String id) {
		Held lock = this.heldLocks.get(id);
		Prefetched prefetched = (lock != null) ? lock.prefetched() : null;
		if (prefetched != null) {
			return prefetched.version();
		}
		byte[] version = this.calls.call("version",
				(commands) -> commands.hget(this.keys.session(id), SessionHash.bytes("version")));
		return (version != null) ? SessionHash.number(version) : null;
	}

	@Override
	public @Nullable SessionRecord save(SessionChange change) {
		if (change.isRename()) {
			return rename(change);
		}
		return write(change, 0, null);
	}

	/**
	 * Open a handle for a cache in front of this store: its version checks are
	 * {@link #version(String)}, and its saves send the version of the cache's copy, so that
	 * Redis answers only the new version when the session was still at it and the copy is the
	 * base of the change. While open, the version of the cache's copy is also what a lock call
	 * of this process's {@link RedisSessionLockManager} sends, to be answered only whether it is
	 * current.
	 * @param id the session id
	 * @return the handle
	 */
	@Override
	public SessionHandle open(String id) {
		return new CopyHandle(id);
	}

	private @Nullable SessionRecord write(SessionChange change, long baseVersion, @Nullable SessionRecord copy) {
		Held lock = this.heldLocks.get(change.id());
		boolean release = this.savesReleaseLocks;
		if (copy == null && baseVersion == 0) {
			copy = (lock != null) ? lock.copy() : this.lastCopy.get();
		}
		SessionRecord base = (copy != null && copy.id().equals(change.id())) ? copy : null;
		byte[][] args = SessionSaves.saveArguments(change, baseVersion, this.clock.millis(), this.marginMillis,
				(lock != null) ? lock.fence(this.keys, release) : List.of(), (base != null) ? base.version() : null);
		byte[][] keys = { this.keys.session(change.id()), this.keys.lock(change.id()) };
		if (lock != null) {
			lock.outdate();
		}
		// a new session's index entries go in the save's round trip
		boolean indexedAlongside = baseVersion == 0 && lock == null && this.indexes.canIndexCreating(change);
		List<Object> answer = indexedAlongside
				? this.calls.script(SessionScripts.SAVE, "save", keys, args,
						(commands) -> this.indexes.creating(commands, change))
				: this.calls.script(SessionScripts.SAVE, "save", keys, args);
		if (answer.isEmpty()) {
			this.lastCopy.remove();
			return null;
		}
		if (answer.get(0) instanceof Long) {
			this.fencedSaves.increment();
			FencedSaveException refused = new FencedSaveException(change.id());
			logger.warn(refused.getMessage());
			throw refused;
		}
		SessionRecord saved = (answer.size() == 2 && answer.get(1) instanceof Long version)
				? SessionSaves.applied(change, base, version) : SessionHash.read(change.id(), answer, 1);
		Assert.state(saved != null, "The save script answered no whole session");
		if (lock == null) {
			remember(saved);
		}
		else {
			lock.copy(saved);
			if (release) {
				lock.releasedBySave(saved.version());
			}
		}
		String previousPrincipal = SessionHash.string(answer.get(0));
		boolean created = saved.version() == baseVersion + 1;
		if (created && indexedAlongside) {
			return saved;
		}
		boolean timeoutChanged = change.maxInactiveMillis() != null;
		if (created || timeoutChanged || !Objects.equals(previousPrincipal, saved.principalName())) {
			this.calls.callAll("save",
					(commands) -> this.indexes.saved(commands, saved, previousPrincipal, created, timeoutChanged));
		}
		return saved;
	}

	private @Nullable SessionRecord rename(SessionChange change) {
		String previousId = Objects.requireNonNull(change.previousId());
		SessionRecord base = take(previousId, "rename");
		if (base == null && !change.isCreate()) {
			return null;
		}
		SessionRecord renamed = SessionRecord.apply(base, change);
		return write(SessionSaves.creating(renamed), renamed.version() - 1, null);
	}

	@Override
	public @Nullable SessionRecord delete(String id) {
		return take(id, "delete");
	}

	private @Nullable SessionRecord take(String id, String operation) {
		Held lock = this.heldLocks.get(id);
		if (lock != null) {
			lock.outdate();
		}
		// the expiry index entry goes in the same round trip; the principal's, known from the answer, after it
		List<Object> answer = this.calls.script(SessionScripts.TAKE, operation, key(id), new byte[0][],
				(commands) -> this.indexes.removed(commands, id, null));
		SessionRecord removed = answer.isEmpty() ? null : SessionHash.read(id, answer, 0);
		String principal = (removed != null) ? removed.principalName() : null;
		if (principal != null) {
			this.calls.call(operation,
					(commands) -> commands.srem(this.keys.principal(principal), SessionHash.bytes(id)));
		}
		return removed;
	}

	@Override
	public boolean deleteIfExpired(String id, Instant now) {
		SessionRecord expired = this.expiredSessions.removeIfExpired(id, now);
		if (expired == null) {
			return false;
		}
		this.removalListener.removed(expired, RemovalCause.EXPIRED);
		return true;
	}

	@Override
	public Collection<SessionRecord> findByPrincipalName(String principalName) {
		byte[] indexKey = this.keys.principal(principalName);
		Set<byte[]> members = this.calls.call("find-by-principal", (commands) -> commands.smembers(indexKey));
		List<String> ids = new ArrayList<>(members.size());
		members.forEach((member) -> ids.add(SessionHash.string(member)));
		List<Map<byte[], byte[]>> hashes = this.calls.callAll("find-by-principal", (commands) -> {
			List<RedisFuture<Map<byte[], byte[]>>> futures = new ArrayList<>(ids.size());
			ids.forEach((id) -> futures.add(commands.hgetall(this.keys.session(id))));
			return futures;
		});
		List<SessionRecord> records = new ArrayList<>(ids.size());
		List<byte[]> gone = new ArrayList<>();
		for (int i = 0; i < ids.size(); i++) {
			Map<byte[], byte[]> hash = hashes.get(i);
			SessionRecord record = (hash != null && !hash.isEmpty()) ? SessionHash.read(ids.get(i), hash) : null;
			if (record == null) {
				gone.add(SessionHash.bytes(ids.get(i)));
			}
			else if (principalName.equals(record.principalName())) {
				records.add(record);
			}
		}
		if (!gone.isEmpty()) {
			this.calls.call("find-by-principal", (commands) -> commands.srem(indexKey, gone.toArray(new byte[0][])));
		}
		return records;
	}

	/**
	 * Remove every session of the expiry index whose score has passed and that has expired;
	 * instances purging at once share the work, and each session is reported by the one that
	 * removed it ({@link ExpiredSessions}).
	 * @param now the current time
	 * @return the number removed by this instance
	 */
	@Override
	public int purgeExpired(Instant now) {
		List<SessionRecord> removed = this.expiredSessions.purge(now);
		removed.forEach((record) -> this.removalListener.removed(record, RemovalCause.EXPIRED));
		return removed.size();
	}

	/**
	 * Return the number of sessions the expiry index lists, which is every stored session (and,
	 * for a moment, one another instance is deleting); bytes are not counted. When Redis does
	 * not answer, and for a second after, the last figures read.
	 * @return the usage
	 */
	@Override
	public StoreUsage usage() {
		return this.usage.get();
	}

	private StoreUsage readUsage() {
		List<Long> counts = this.calls.callAll("usage", (commands) -> {
			List<RedisFuture<Long>> futures = new ArrayList<>(RedisKeys.EXPIRY_BUCKETS);
			for (byte[] bucket : this.keys.expiryBuckets()) {
				futures.add(commands.zcard(bucket));
			}
			return futures;
		});
		long sessions = 0;
		for (Long count : counts) {
			sessions += (count != null) ? count : 0;
		}
		return new StoreUsage(sessions, -1, -1);
	}

	/**
	 * Return how many saves were refused because the request lock of their session had been
	 * lost ({@link FencedSaveException}).
	 * @return the number since this store was created
	 */
	public long fencedSaves() {
		return this.fencedSaves.sum();
	}

	@Override
	public void setRemovalListener(RemovalListener listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.removalListener = listener;
	}

	private byte[][] key(String id) {
		return new byte[][] { this.keys.session(id) };
	}

	/**
	 * A cache's handle on a session: nothing held open in Redis, only the version of the cache's
	 * copy for this process's lock calls.
	 */
	private final class CopyHandle implements SessionHandle {

		private final String id;

		CopyHandle(String id) {
			this.id = id;
		}

		@Override
		public @Nullable Long version() {
			return RedisSessionStore.this.version(this.id);
		}

		@Override
		public @Nullable SessionRecord save(SessionChange change, SessionRecord current) {
			SessionRecord saved;
			try {
				saved = write(change, 0, current);
			}
			catch (RuntimeException ex) {
				RedisSessionStore.this.heldLocks.cached(this.id, null);
				throw ex;
			}
			RedisSessionStore.this.heldLocks.cached(this.id, (saved != null) ? saved.version() : null);
			return saved;
		}

		@Override
		public void close() {
			RedisSessionStore.this.heldLocks.cached(this.id, null);
		}

	}

}
