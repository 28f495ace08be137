package dev.sessionstarter.store.redis;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionRecord;

/**
 * A request lock this process retains between requests ({@link Retentions}): the token it
 * holds in Redis, until when this process trusts that no other instance took it (half the
 * retention counted from when the save that set it was sent, as {@link System#nanoTime()}), the
 * count of connection losses then ({@link RedisHeldLocks#connectionEpoch()}), and the session
 * that save left: its version, and its record when small enough to keep.
 * @param token the owner token
 * @param trustedUntil the end of the trust, as {@link System#nanoTime()}
 * @param expiresAt when the lock expires in Redis at the latest unless renewed, as
 * {@link System#nanoTime()}
 * @param epoch the count of connection losses when the save was sent
 * @param version the version of the session the save left
 * @param record the session the save left, or {@code null} if too large to keep
 * @param keySetFor the access time the session key's expiry was last set for by a save of the
 * lock ({@link CurrentSaves#keyMargin}), or {@link Long#MIN_VALUE} if not known
 */
record Retention(byte[] token, long trustedUntil, long expiresAt, long epoch, long version,
		@Nullable SessionRecord record, long keySetFor) {

	/**
	 * Whether the retention may be trusted now.
	 * @param now the time, as {@link System#nanoTime()}
	 * @param currentEpoch the count of connection losses now
	 * @return {@code true} if no other instance can have taken the lock since it was set
	 */
	boolean isTrusted(long now, long currentEpoch) {
		return now - this.trustedUntil < 0 && this.epoch == currentEpoch;
	}

	/**
	 * Return this retention without its record, which is no longer trusted.
	 * @return the retention
	 */
	Retention withoutRecord() {
		return new Retention(this.token, this.trustedUntil, this.expiresAt, this.epoch, this.version, null,
				this.keySetFor);
	}

	/**
	 * Whether the lock has expired in Redis, unless renewed by a request.
	 * @param now the time, as {@link System#nanoTime()}
	 * @return {@code true} if it has
	 */
	boolean hasExpired(long now) {
		return now - this.expiresAt >= 0;
	}

}
