package dev.sessionstarter.store.memoized;

import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.RemovalListener;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.SessionTooLargeException;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * What a {@link WriteThroughCache} does with one id under the id's {@link Stripes stripe}: a fill
 * of the cache after a miss, a change and a delete, each applied to the delegate first; then
 * only the record the delegate returned is cached ({@link #admit}), and on a failure no copy is
 * trusted. What left the cache meanwhile is released once the stripe is let go
 * ({@link CachedIds#releaseLeft()}).
 */
final class CacheWrites {

	private static final Log logger = LogFactory.getLog(MemoizedSessionStore.class);

	private final SessionStore delegate;

	private final MemorySessionStore cache;

	private final Stripes stripes;

	private final DelegateHandles handles;

	private final CoherenceStrategy coherence;

	private final CachedIds cachedIds;

	CacheWrites(SessionStore delegate, MemorySessionStore cache, Stripes stripes, DelegateHandles handles,
			CoherenceStrategy coherence, CachedIds cachedIds) {
		this.delegate = delegate;
		this.cache = cache;
		this.stripes = stripes;
		this.handles = handles;
		this.coherence = coherence;
		this.cachedIds = cachedIds;
	}

	/**
	 * Find a session in the delegate after a miss, and cache it.
	 * @param id the session id
	 * @return the record, or {@code null} if none is stored
	 */
	@Nullable SessionRecord fill(String id) {
		ReentrantLock stripe = this.stripes.of(id);
		stripe.lock();
		try {
			SessionRecord record = this.delegate.find(id);
			if (record != null) {
				admit(record);
			}
			else {
				this.cachedIds.invalidate(id);
			}
			return record;
		}
		finally {
			stripe.unlock();
			this.cachedIds.releaseLeft();
		}
	}

	/**
	 * Apply a change to the delegate, then cache the record it returns.
	 * @param change the change
	 * @return the stored result, or {@code null} if the session is no longer stored
	 */
	@Nullable SessionRecord save(SessionChange change) {
		String previousId = change.isRename() ? change.previousId() : null;
		this.stripes.lockBoth(change.id(), previousId);
		try {
			SessionRecord saved = this.handles.save(change);
			if (previousId != null) {
				this.cachedIds.invalidate(previousId);
			}
			if (saved == null) {
				this.cachedIds.invalidate(change.id());
				return null;
			}
			admit(saved);
			return saved;
		}
		catch (RuntimeException ex) {
			// the delegate may have applied the change before failing, and holds it if caching
			// failed: no cached copy is trusted
			this.cachedIds.invalidate(change.id());
			if (previousId != null) {
				this.cachedIds.invalidate(previousId);
			}
			throw ex;
		}
		finally {
			this.stripes.unlockBoth(change.id(), previousId);
			this.cachedIds.releaseLeft();
		}
	}

	/**
	 * Delete a session from the delegate, and its copy.
	 * @param id the session id
	 * @return the removed record, or {@code null} if none was stored
	 */
	@Nullable SessionRecord delete(String id) {
		ReentrantLock stripe = this.stripes.of(id);
		stripe.lock();
		try {
			SessionRecord removed = this.delegate.delete(id);
			this.cachedIds.invalidate(id);
			return removed;
		}
		finally {
			stripe.unlock();
			this.cachedIds.releaseLeft();
		}
	}

	/**
	 * Delete a session from the delegate if it is still expired, and its copy.
	 * @param id the session id
	 * @param now the current time
	 * @param removalListener told when the delegate had already dropped the expired session
	 * by itself
	 * @return {@code true} if it was removed
	 */
	boolean deleteIfExpired(String id, Instant now, RemovalListener removalListener) {
		ReentrantLock stripe = this.stripes.of(id);
		stripe.lock();
		try {
			SessionRecord cached = this.cache.find(id);
			boolean removed = this.delegate.deleteIfExpired(id, now);
			this.cachedIds.invalidate(id);
			if (!removed && cached != null && cached.isExpired(now) && this.delegate.version(id) == null) {
				// the delegate dropped it by itself (a repository that expires its own sessions)
				removalListener.removed(cached, RemovalCause.EXPIRED);
				removed = true;
			}
			return removed;
		}
		finally {
			stripe.unlock();
			this.cachedIds.releaseLeft();
		}
	}

	/**
	 * Cache a record the delegate returned; called holding the id's stripe. When the cache is
	 * closed, or the coherence cannot take what it holds for a cached id, the record is not
	 * cached.
	 */
	private void admit(SessionRecord record) {
		String id = record.id();
		if (this.handles.isClosed() || !this.coherence.admit(id)) {
			this.cachedIds.invalidate(id);
			return;
		}
		this.handles.open(record);
		SessionRecord cached;
		try {
			cached = this.cache.put(record);
		}
		catch (SessionTooLargeException ex) {
			logger.debug("Not caching session " + id + ": " + ex.getMessage());
			this.cachedIds.invalidate(id);
			return;
		}
		this.handles.admitted(cached);
	}

}
