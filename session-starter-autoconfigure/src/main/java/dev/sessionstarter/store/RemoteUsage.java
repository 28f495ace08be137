package dev.sessionstarter.store;

import java.util.function.Predicate;
import java.util.function.Supplier;

import org.springframework.util.Assert;

/**
 * The usage of a store whose sessions live in another process (the session daemon, Redis), read
 * from it on demand: after a read failed, the last figures read, without asking again for a
 * second, so that meters and the endpoint do not wait on a process that is away at every
 * scrape. Thread-safe.
 */
public final class RemoteUsage {

	private static final long FAILURE_BACKOFF_NANOS = 1_000_000_000L;

	private final Supplier<StoreUsage> reader;

	private final Predicate<RuntimeException> isFailure;

	private volatile StoreUsage last;

	private volatile long failedAt = System.nanoTime() - FAILURE_BACKOFF_NANOS;

	/**
	 * Create the usage of a store.
	 * @param initial the figures before the first read succeeds
	 * @param reader reads the figures from the other process
	 * @param isFailure which exceptions of the reader mean the process is away (others are
	 * thrown)
	 */
	public RemoteUsage(StoreUsage initial, Supplier<StoreUsage> reader, Predicate<RuntimeException> isFailure) {
		Assert.notNull(initial, "'initial' must not be null");
		Assert.notNull(reader, "'reader' must not be null");
		Assert.notNull(isFailure, "'isFailure' must not be null");
		this.last = initial;
		this.reader = reader;
		this.isFailure = isFailure;
	}

	/**
	 * Return the figures: read now, unless a read failed less than a second ago.
	 * @return the figures read now, or the last ones read
	 */
	public StoreUsage get() {
		if (System.nanoTime() - this.failedAt < FAILURE_BACKOFF_NANOS) {
			return this.last;
		}
		try {
			this.last = this.reader.get();
		}
		catch (RuntimeException ex) {
			if (!this.isFailure.test(ex)) {
				throw ex;
			}
			this.failedAt = System.nanoTime();
		}
		return this.last;
	}

}
