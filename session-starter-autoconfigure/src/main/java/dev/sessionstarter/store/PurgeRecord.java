package dev.sessionstarter.store;

import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The purges a {@link StoreSessionRepository} has run: it asks the store to remove the expired
 * sessions, then counts the purge, remembers when it ran and logs what it removed.
 */
final class PurgeRecord {

	/** Logs under the repository's name, as the purge is the repository's. */
	private static final Log logger = LogFactory.getLog(StoreSessionRepository.class);

	private final SessionStore store;

	private final LongAdder purges = new LongAdder();

	private volatile @Nullable Instant lastPurge;

	PurgeRecord(SessionStore store) {
		this.store = store;
	}

	/**
	 * Remove the sessions expired at {@code now}, allowing {@code lagMillis} for access times
	 * the save period let go unwritten.
	 * @return the number removed
	 */
	int purge(Instant now, long lagMillis) {
		int removed = this.store.purgeExpired(now.minusMillis(lagMillis));
		this.purges.increment();
		this.lastPurge = now;
		if (removed > 0 && logger.isDebugEnabled()) {
			logger.debug("Purged " + removed + " expired sessions from the " + this.store.type() + " store");
		}
		return removed;
	}

	long purges() {
		return this.purges.sum();
	}

	@Nullable Instant lastPurge() {
		return this.lastPurge;
	}

}
