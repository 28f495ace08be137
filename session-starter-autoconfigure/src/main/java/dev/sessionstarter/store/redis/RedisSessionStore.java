package dev.sessionstarter.store.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.store.RemovalListener;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionHandle;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.RemoteUsage;
import dev.sessionstarter.store.StoreUsage;

/**
 * A {@link SessionStore} in Redis, shared by every application instance that uses the same
 * Redis and namespace. A session is one hash ({@link SessionHash}) under a key hash-tagged by
 * its id ({@link RedisKeys}); a save is one script ({@link SessionScripts#SAVE}) that merges the
 * change into the hash, so two instances that change different attributes of one session both
 * keep theirs, and a change to a session deleted meanwhile is dropped. A save sends the version
 * of the copy its change was made on ({@link SessionWrites}).
 *
 * <p>A key lives until its session's expiry plus a margin, so that a purge finds it first; each
 * expired session is reported once across all instances ({@link ExpiredSessions}). Created and
 * deleted sessions are reported by the instance that made or deleted them (the repository).
 *
 * <p>With a {@link RedisSessionLockManager} of this process on the same Redis and namespace
 * ({@link RedisHeldLocks}), a request costs two round trips: the lock call, which answers the
 * session ({@link SessionReads}), and the save, fenced, which releases it ({@link SessionWrites}).
 *
 * <p>Every call has the deadline of its {@link RedisCalls} ({@link RedisUnavailableException});
 * {@link #usage()} keeps its last figures then. Redis's {@code maxmemory} is its size bound.
 */
public final class RedisSessionStore implements SessionStore {

	private final ExpiredSessions expiredSessions;

	private final RedisHeldLocks heldLocks;

	private final SessionReads reads;

	private final SessionWrites writes;

	private final IndexReads indexReads;

	private final RemoteUsage usage;

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
		SessionIndexes indexes = new SessionIndexes(keys);
		LastCopies lastCopies = new LastCopies();
		this.expiredSessions = new ExpiredSessions(calls, keys, indexes, heldLocks);
		this.reads = new SessionReads(calls, keys, heldLocks, lastCopies);
		this.writes = new SessionWrites(calls, keys, indexes, expiryMargin.toMillis(), clock, heldLocks, lastCopies);
		this.indexReads = new IndexReads(calls, keys);
		this.usage = new RemoteUsage(new StoreUsage(0, -1, -1), this.indexReads::usage,
				RedisUnavailableException.class::isInstance);
	}

	/**
	 * Set whether a save of a session whose request lock this process holds also releases the
	 * lock, in the same script; {@code true} by default ({@code FlushMode.ON_SAVE}), {@code false}
	 * when every change is saved at once ({@code FlushMode.IMMEDIATE}): see {@link SessionWrites}.
	 * @param savesReleaseLocks whether saves release request locks
	 */
	public void setSavesReleaseLocks(boolean savesReleaseLocks) {
		this.writes.setSavesReleaseLocks(savesReleaseLocks);
	}

	@Override
	public String type() {
		return "redis";
	}

	@Override
	public boolean decodesOnLoad() {
		// loaded sessions are decoded in full: other instances write them
		return true;
	}

	@Override
	public @Nullable SessionRecord find(String id) {
		return this.reads.find(id);
	}

	@Override
	public @Nullable Long version(String id) {
		return this.reads.version(id);
	}

	@Override
	public @Nullable SessionRecord save(SessionChange change) {
		if (change.isRename()) {
			return this.writes.rename(change);
		}
		return this.writes.write(change, 0, null);
	}

	/**
	 * Open a handle for a cache in front of this store: its version checks are
	 * {@link #version(String)}, its saves send the version of the cache's copy, and so do this
	 * process's lock calls while it is open ({@link RedisCopyHandle}).
	 * @param id the session id
	 * @return the handle
	 */
	@Override
	public SessionHandle open(String id) {
		return new RedisCopyHandle(id, this, this.writes, this.heldLocks);
	}

	@Override
	public boolean checksVersionsThroughHandles() {
		return false; // a handle's check is version(id)
	}

	@Override
	public @Nullable SessionRecord delete(String id) {
		return this.writes.take(id, "delete");
	}

	@Override
	public boolean deleteIfExpired(String id, Instant now) {
		return this.expiredSessions.deleteIfExpired(id, now);
	}

	@Override
	public Collection<SessionRecord> findByPrincipalName(String principalName) {
		return this.indexReads.findByPrincipalName(principalName);
	}

	/**
	 * Remove every session of the expiry index whose score has passed and that has expired; instances purging
	 * at once share the work, and each session is reported by the one that removed it ({@link ExpiredSessions}).
	 * @param now the current time
	 * @return the number removed by this instance
	 */
	@Override
	public int purgeExpired(Instant now) {
		return this.expiredSessions.purgeAndReport(now);
	}

	/**
	 * Return the number of sessions the expiry index lists (bytes are not counted); when Redis
	 * does not answer, and for a second after, the last figures read.
	 * @return the usage
	 */
	@Override
	public StoreUsage usage() {
		return this.usage.get();
	}

	/**
	 * Return how many saves were refused because their request lock had been lost ({@link FencedSaveException}).
	 * @return the number since this store was created
	 */
	@Override
	public long fencedSaves() {
		return this.writes.fencedSaves();
	}

	@Override
	public void setRemovalListener(RemovalListener listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.expiredSessions.setRemovalListener(listener);
	}

}
