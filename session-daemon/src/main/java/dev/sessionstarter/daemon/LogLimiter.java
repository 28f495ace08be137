package dev.sessionstarter.daemon;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Decides when a failure that repeats is logged: its first occurrence, then at most once per
 * period, each line counting the failures since the run of failures began. Thread-safe.
 */
final class LogLimiter {

	private final long periodNanos;

	private long failures;

	private long lastLogged;

	private @Nullable Instant failingSince;

	LogLimiter(Duration period) {
		this.periodNanos = period.toNanos();
	}

	/**
	 * Count a failure.
	 * @return the failures since the run of failures began if this one is to be logged, else
	 * {@code 0}
	 */
	synchronized long failed() {
		long now = System.nanoTime();
		this.failures++;
		if (this.failures == 1) {
			this.failingSince = Instant.now();
			this.lastLogged = now;
			return 1;
		}
		if (now - this.lastLogged >= this.periodNanos) {
			this.lastLogged = now;
			return this.failures;
		}
		return 0;
	}

	/**
	 * End a run of failures, if there was one.
	 * @return the failures of the run that ended, {@code 0} if there was none
	 */
	synchronized long succeeded() {
		long ended = this.failures;
		this.failures = 0;
		this.failingSince = null;
		return ended;
	}

	/**
	 * Return the failures since the run of failures began.
	 * @return the count, {@code 0} if not failing
	 */
	synchronized long failures() {
		return this.failures;
	}

	/**
	 * Return when the run of failures began.
	 * @return the time, or {@code null} if not failing
	 */
	synchronized @Nullable Instant failingSince() {
		return this.failingSince;
	}

}
