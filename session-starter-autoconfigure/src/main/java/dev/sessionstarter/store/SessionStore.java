package dev.sessionstarter.store;

import java.time.Instant;
import java.util.Collection;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.lock.SessionLockManager;

/**
 * The backend SPI beneath {@link StoreSessionRepository}: where session records live. The
 * repository owns everything that is the same for every store (the session object and its
 * delta, save and flush modes, principal resolution, expiry rules, events, meters); a store
 * only keeps {@link SessionRecord records} and applies {@link SessionChange changes} to them
 * atomically.
 *
 * <p>Implementations are thread-safe. Ids passed in have already been validated by
 * {@link SessionIds}.
 */
public interface SessionStore {

	/**
	 * Return the store type, used as the {@code store} tag of meters and in the endpoint.
	 * @return a short lower-case name such as {@code memory}
	 */
	String type();

	/**
	 * Find a stored session, expired or not (the repository applies the expiry rule).
	 * @param id the session id
	 * @return the record, or {@code null} if none is stored
	 */
	@Nullable SessionRecord find(String id);

	/**
	 * Return the version of a stored session: a cheap check of whether a copy held elsewhere
	 * (a cache) is still current, since every applied change raises it (see
	 * {@link SessionRecord#version()}). Stores override this when they can answer without a
	 * full read; the default reads the whole record.
	 * @param id the session id
	 * @return the stored version, or {@code null} if none is stored
	 * @see #supportsVersionCheck()
	 */
	default @Nullable Long version(String id) {
		SessionRecord record = find(id);
		return (record != null) ? record.version() : null;
	}

	/**
	 * Whether {@link #version(String)} proves a copy current: {@code false} for stores whose
	 * records carry no real version (a foreign repository), which a cache can then only front
	 * exclusively.
	 * @return {@code true} if the version check can be relied on
	 */
	default boolean supportsVersionCheck() {
		return true;
	}

	/**
	 * Whether the records of this store may hold values this process did not encode (written by
	 * another process, or by an earlier version of the application), so that the repository
	 * decodes every attribute when it loads a session and drops one whose values no longer
	 * decode, before the request sees it. Stores that only ever hold what this process put in
	 * them keep the default.
	 * @return {@code true} if loaded sessions are decoded in full
	 */
	default boolean decodesOnLoad() {
		return false;
	}

	/**
	 * Whether every call of this store returns without blocking its thread: no I/O and no wait
	 * for another thread (an in-memory store). A reactive application calls such a store on its
	 * event-loop threads, and every other store on a bounded scheduler of its own.
	 * @return {@code true} if no call blocks; {@code false} unless overridden
	 */
	default boolean isNonBlocking() {
		return false;
	}

	/**
	 * Open the locks a cache in exclusive coherence holds, one on each session it caches, so
	 * that no other process's cache holds a copy of it too. Stores override this when they have
	 * locks a process may hold on many sessions at once for a long time (the file store keeps
	 * them in a lock file of the cache's own); the default has none.
	 * @return a new lock manager, which the caller closes if it is {@link AutoCloseable}, or
	 * {@code null} if the store has none
	 */
	default @Nullable SessionLockManager openCacheLocks() {
		return null;
	}

	/**
	 * Open a handle on a stored session that a cache keeps while it caches the session, for
	 * cheaper version checks and writes than by id. Stores override this when they have such a
	 * thing (the file store maps binary session files); the default has none.
	 * @param id the id of a session the caller has just found or saved
	 * @return a handle the caller must {@link SessionHandle#close() close}, or {@code null} if
	 * there is none (the session is gone, the store has no handles, or holds as many as it allows)
	 */
	default @Nullable SessionHandle open(String id) {
		return null;
	}

	/**
	 * Whether a version check through a handle of {@link #open(String)} is cheaper than
	 * {@link #version(String)}, so that a cache is right to open one on a copy's first check
	 * (the file store's mapped file answers with no read). Stores whose handles check versions
	 * no faster (the Redis store asks Redis either way) return {@code false}: a cache then
	 * checks its copies by id, and opens handles only for saves.
	 * @return {@code true} by default
	 */
	default boolean checksVersionsThroughHandles() {
		return true;
	}

	/**
	 * Apply a change atomically: create, rename, change attributes, touch.
	 * @param change the change
	 * @return the stored result, or {@code null} if the change is to a session that is no
	 * longer stored (deleted, expired or evicted meanwhile); such a change is dropped, so a
	 * session deleted by one request is not brought back by another
	 */
	@Nullable SessionRecord save(SessionChange change);

	/**
	 * Delete a session.
	 * @param id the session id
	 * @return the removed record, or {@code null} if none was stored
	 */
	@Nullable SessionRecord delete(String id);

	/**
	 * Delete a session if it is still expired at {@code now}, reporting it to the
	 * {@link RemovalListener} as {@link RemovalCause#EXPIRED}.
	 * @param id the session id
	 * @param now the current time
	 * @return {@code true} if it was removed
	 */
	boolean deleteIfExpired(String id, Instant now);

	/**
	 * Find the sessions indexed under a principal name.
	 * @param principalName the principal name
	 * @return the records, expired ones included
	 */
	Collection<SessionRecord> findByPrincipalName(String principalName);

	/**
	 * Remove every session that has expired at {@code now}, reporting each to the
	 * {@link RemovalListener}.
	 * @param now the current time
	 * @return the number removed
	 */
	int purgeExpired(Instant now);

	/**
	 * Bring the store under its reduced bound now, when it has one, evicting the least
	 * recently used sessions and reporting each to the {@link RemovalListener}.
	 * @return the number evicted; {@code 0} for stores without a bound
	 */
	default int reduce() {
		return 0;
	}

	/**
	 * Return how many stored sessions the store found unreadable (a corrupt, truncated or empty
	 * file) and moved aside since it was created; such a session is treated as absent.
	 * @return the number; {@code 0} for stores that keep nothing that can be damaged
	 */
	default long quarantined() {
		return 0;
	}

	/**
	 * Return how many saves the store refused because the request lock they were made under had
	 * been lost (its lease ended and another request may hold it): nothing was written.
	 * @return the number since the store was created; {@code 0} for stores that do not fence saves
	 */
	default long fencedSaves() {
		return 0;
	}

	/**
	 * Return what the store holds now.
	 * @return the usage
	 */
	StoreUsage usage();

	/**
	 * Set the listener told of sessions the store removes by itself; one per store.
	 * @param listener the listener
	 */
	void setRemovalListener(RemovalListener listener);

}
