package dev.sessionstarter.store;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.session.Session;
import org.springframework.util.Assert;

/**
 * The times of a {@link StoredSession}: its creation, last access and inactivity timeout, kept as
 * epoch millis (what a save writes) and handed out as the objects the {@link Session} API asks
 * for, made on first read (Spring Session's filter sets the access time of a loaded session and
 * reads none), with whether the access time and the timeout changed since the last write.
 */
abstract sealed class TimedSession implements Session permits AttributedSession {

	final long creationMillis;

	private @Nullable Instant creationTime;

	long lastAccessedMillis;

	private @Nullable Instant lastAccessedTime;

	long maxInactiveMillis;

	private @Nullable Duration maxInactiveInterval;

	boolean lastAccessedTimeChanged;

	boolean maxInactiveIntervalChanged;

	TimedSession(long creationMillis, long lastAccessedMillis, long maxInactiveMillis) {
		this.creationMillis = creationMillis;
		this.lastAccessedMillis = lastAccessedMillis;
		this.maxInactiveMillis = maxInactiveMillis;
	}

	TimedSession(Instant now, Duration maxInactiveInterval) {
		this.creationMillis = now.toEpochMilli();
		this.creationTime = now;
		this.lastAccessedMillis = this.creationMillis;
		this.lastAccessedTime = now;
		this.maxInactiveMillis = maxInactiveInterval.toMillis();
		this.maxInactiveInterval = maxInactiveInterval;
	}

	/**
	 * Write the session now if its repository's flush mode says so; called after each change.
	 */
	abstract void flushImmediateIfNecessary();

	/**
	 * Note that the times were written: neither has changed since.
	 */
	final void timesWritten() {
		this.lastAccessedTimeChanged = false;
		this.maxInactiveIntervalChanged = false;
	}

	@Override
	public Instant getCreationTime() {
		Instant creationTime = this.creationTime;
		if (creationTime == null) {
			creationTime = Instant.ofEpochMilli(this.creationMillis);
			this.creationTime = creationTime;
		}
		return creationTime;
	}

	@Override
	public void setLastAccessedTime(Instant lastAccessedTime) {
		Assert.notNull(lastAccessedTime, "'lastAccessedTime' must not be null");
		this.lastAccessedMillis = lastAccessedTime.toEpochMilli();
		this.lastAccessedTime = lastAccessedTime;
		this.lastAccessedTimeChanged = true;
		flushImmediateIfNecessary();
	}

	@Override
	public Instant getLastAccessedTime() {
		Instant lastAccessedTime = this.lastAccessedTime;
		if (lastAccessedTime == null) {
			lastAccessedTime = Instant.ofEpochMilli(this.lastAccessedMillis);
			this.lastAccessedTime = lastAccessedTime;
		}
		return lastAccessedTime;
	}

	@Override
	public void setMaxInactiveInterval(Duration interval) {
		Assert.notNull(interval, "'interval' must not be null");
		this.maxInactiveMillis = interval.toMillis();
		this.maxInactiveInterval = interval;
		this.maxInactiveIntervalChanged = true;
		flushImmediateIfNecessary();
	}

	@Override
	public Duration getMaxInactiveInterval() {
		Duration maxInactiveInterval = this.maxInactiveInterval;
		if (maxInactiveInterval == null) {
			maxInactiveInterval = Duration.ofMillis(this.maxInactiveMillis);
			this.maxInactiveInterval = maxInactiveInterval;
		}
		return maxInactiveInterval;
	}

}
