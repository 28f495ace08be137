package dev.sessionstarter.store.redis;

import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.redis.RedisHeldLocks.Prefetched;

/**
 * One Redis request lock held by a request of this process: its owner token, the session as the
 * lock call found it until the store uses or outdates it, and whether a save of the request
 * released it already (a save of a locked session also releases its lock, in the same script) or
 * retained it ({@link Retentions}).
 */
final class Held {

	private final String sessionId;

	private final byte[] token;

	private final AtomicReference<@Nullable Prefetched> prefetched;

	private final long retainMillis;

	private final @Nullable Retention origin;

	private volatile boolean lost;

	private volatile long releasedAtVersion = -1;

	private volatile @Nullable SessionRecord copy;

	private volatile boolean releaseRequested;

	private volatile boolean notRetainable;

	private volatile @Nullable Retention retainedBySave;

	private volatile boolean writeInFlight;

	/**
	 * Create a held lock.
	 * @param sessionId the session id
	 * @param token its owner token
	 * @param prefetched the session as the lock call found it
	 * @param retainMillis how long its saves retain it in Redis, or 0 if they release it
	 * @param origin the retention it was taken from without asking Redis, or {@code null}
	 */
	Held(String sessionId, byte[] token, Prefetched prefetched, long retainMillis, @Nullable Retention origin) {
		this.sessionId = sessionId;
		this.token = token;
		this.prefetched = new AtomicReference<>(prefetched);
		this.copy = prefetched.record();
		this.retainMillis = retainMillis;
		this.origin = origin;
	}

	Held(String sessionId, byte[] token, Prefetched prefetched) {
		this(sessionId, token, prefetched, 0, null);
	}

	String sessionId() {
		return this.sessionId;
	}

	byte[] token() {
		return this.token;
	}

	/**
	 * Return the session as the lock call found it, still current unless this process wrote it
	 * since.
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
	 * Return the last whole record of the session this request was given (by the lock call, a
	 * find or a save): a copy a save may ask Redis to apply its change to.
	 * @return the record, or {@code null}
	 */
	@Nullable SessionRecord copy() {
		return this.copy;
	}

	void copy(SessionRecord record) {
		this.copy = record;
	}

	/**
	 * Return whether a save of this request released the lock in Redis, so that releasing it has
	 * nothing left to tell Redis.
	 * @return whether the lock was released by a save
	 */
	boolean isReleasedBySave() {
		return this.releasedAtVersion >= 0;
	}

	void releasedBySave(long version) {
		this.releasedAtVersion = version;
	}

	/**
	 * Return how long a save that would release this lock retains it in Redis instead.
	 * @return the time, ms, or 0 if saves release it (retention off, or another instance asked
	 * for the lock)
	 */
	long retainMillis() {
		return (this.releaseRequested || this.notRetainable) ? 0 : this.retainMillis;
	}

	/**
	 * Record that a save retained the lock, leaving the session at a record: this process
	 * trusts the lock for half the retention counted from when the save was sent.
	 * @param sentAt when the save was sent, as {@link System#nanoTime()}
	 * @param epoch the count of connection losses when it was sent
	 * @param saved the record the save left, kept unless large
	 * @param unmoved the retention whose expiry the save left as it was ({@link #unmovedRetention}),
	 * or {@code null} if it set the expiry again
	 * @param keySetFor the access time the session key's expiry is set for, or {@link Long#MIN_VALUE}
	 */
	void retainedBySave(long sentAt, long epoch, SessionRecord saved, @Nullable Retention unmoved, long keySetFor) {
		long retainNanos = this.retainMillis * 1_000_000L;
		SessionRecord kept = (LastCopies.attributeBytes(saved) <= LastCopies.MAX_BYTES) ? saved : null;
		this.writeInFlight = false;
		this.retainedBySave = (unmoved != null)
				? new Retention(this.token, unmoved.trustedUntil(), unmoved.expiresAt(), unmoved.epoch(),
						saved.version(), kept, keySetFor)
				: new Retention(this.token, sentAt + retainNanos / 2, sentAt + retainNanos, epoch, saved.version(),
						kept, keySetFor);
	}

	/**
	 * Return the access time the session key's expiry was last set for by a save of this lock
	 * (of this request, else of the one whose retention it was taken from).
	 * @return the time, epoch millis, or {@link Long#MIN_VALUE} if not known
	 */
	long keySetFor() {
		Retention current = this.retainedBySave;
		if (current == null) {
			current = this.origin;
		}
		return (current != null) ? current.keySetFor() : Long.MIN_VALUE;
	}

	/**
	 * Return the retention a save that retains this lock may leave the lock's expiry in Redis
	 * as it is for: the one the lock is trusted by (its last save's, else the one it was taken
	 * from), if no connection was lost since and it is still trusted for at least three eighths
	 * of the retention (its expiry was set less than an eighth of the retention ago), so that a
	 * request after a pause of up to three eighths of the retention still finds it trusted (a
	 * half after a save that set it), and a later save moves the expiry before the trust runs
	 * out.
	 * @param now the time, as {@link System#nanoTime()}
	 * @param epoch the count of connection losses now
	 * @return the retention, or {@code null} if the save is to set the lock's expiry again
	 */
	@Nullable Retention unmovedRetention(long now, long epoch) {
		Retention current = this.retainedBySave;
		if (current == null) {
			current = this.origin;
		}
		return (current != null && current.epoch() == epoch
				&& current.trustedUntil() - now >= this.retainMillis * 375_000L) ? current : null;
	}

	/**
	 * Return what this process may trust about the session once the request ends: the retention
	 * its last save made, else the one it was taken from; {@code null} if neither, or if the lock
	 * is to be released (asked for, lost, or the session written otherwise).
	 * @return the retention, or {@code null}
	 */
	@Nullable Retention retention() {
		if (this.releaseRequested || this.notRetainable || this.lost || this.writeInFlight || this.retainMillis == 0) {
			return null;
		}
		Retention saved = this.retainedBySave;
		return (saved != null) ? saved : this.origin;
	}

	/**
	 * Record that another instance asked for the lock: the request releases it at its end.
	 */
	void requestRelease() {
		this.releaseRequested = true;
	}

	/**
	 * Record that the request writes the session: the session the lock call found is outdated,
	 * and unless the write may retain the lock (a save that releases it), what the lock was
	 * retained with is no longer the session (removed, renamed, or saved keeping the lock).
	 * @param retainable whether the write may retain the lock
	 */
	void written(boolean retainable) {
		outdate();
		// until this write's answer says what Redis holds, nothing about the session is trusted
		this.writeInFlight = true;
		if (!retainable) {
			this.notRetainable = true;
		}
	}

	/**
	 * Return the arguments that fence a save of this lock's session
	 * ({@link SessionSaves#FENCE_ARGUMENTS}).
	 * @param keys the keys of the namespace
	 * @param release whether the save also releases the lock
	 * @param id the session id, encoded
	 * @return the arguments
	 */
	byte[][] fence(RedisKeys keys, boolean release, byte[] id) {
		long released = this.releasedAtVersion;
		return new byte[][] { this.token, (released >= 0) ? SessionHash.number(released) : SessionHash.EMPTY,
				release ? keys.lockReleases() : SessionHash.EMPTY, id };
	}

	boolean isLost() {
		return this.lost;
	}

	void lose() {
		this.lost = true;
	}

}
