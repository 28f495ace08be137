package dev.sessionstarter.store;

import java.time.Duration;
import java.time.Instant;

import org.springframework.util.Assert;

/**
 * A repository's save period ({@link StoreSessionRepository#setSavePeriod(Duration)}) and its
 * rule: which touches of a session may go unwritten, and so how far a stored access time may lag
 * the session's last request, which every expiry decision allows for.
 */
final class SavePeriod {

	private long millis;

	void set(Duration savePeriod) {
		Assert.isTrue(savePeriod != null && !savePeriod.isNegative(), "'savePeriod' must not be negative");
		this.millis = savePeriod.toMillis();
	}

	/** The period in milliseconds, zero when every touch is written. */
	long millis() {
		return this.millis;
	}

	/**
	 * Whether a save that only moves a stored session's access time to {@code lastAccessedTime}
	 * (epoch millis) may be left unwritten: its touches are coalesced and the stored access time is less than
	 * a save period old.
	 */
	boolean skipsTouch(SessionRecord stored, long lastAccessedTime) {
		return coalescesTouches(stored) && lastAccessedTime - stored.lastAccessedTime() < this.millis;
	}

	private boolean coalescesTouches(SessionRecord record) {
		long timeout = record.maxInactiveMillis();
		return this.millis > 0
				&& (timeout < 0 || timeout / StoreSessionRepository.TIMEOUTS_PER_SAVE_PERIOD >= this.millis);
	}

	/**
	 * The time at which a stored session's expiry is decided: now, less the save period for a
	 * session whose stored access time may lag its last request by up to that period.
	 */
	Instant expiryTime(SessionRecord record, Instant now) {
		return now.minusMillis(lag(record));
	}

	/**
	 * How far a stored session's access time may lag its last request: the save period when its
	 * touches are coalesced, else nothing.
	 */
	long lag(SessionRecord record) {
		return coalescesTouches(record) ? this.millis : 0;
	}

}
