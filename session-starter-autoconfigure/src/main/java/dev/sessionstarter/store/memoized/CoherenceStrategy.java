package dev.sessionstarter.store.memoized;

import java.time.Duration;
import java.util.Collection;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * How a {@link WriteThroughCache} keeps its copies true to its delegate: one implementation per
 * {@link Coherence} mode, owning that mode's checks and whatever it holds in the delegate for
 * a cached id.
 */
interface CoherenceStrategy {

	/**
	 * The message of {@link #setLockManager} in a mode that holds no locks.
	 */
	String HOLDS_NO_LOCKS = "Only exclusive coherence over a delegate holds locks";

	/**
	 * Create the strategy of a mode.
	 * @param coherence the mode
	 * @param delegate the store the cache fronts
	 * @param cache the cache
	 * @param stripes the cache's per-id locks
	 * @param handles the cache's handles on the delegate's sessions
	 * @return the strategy
	 */
	static CoherenceStrategy of(Coherence coherence, SessionStore delegate, MemorySessionStore cache, Stripes stripes,
			DelegateHandles handles) {
		return switch (coherence) {
			case VALIDATE -> new ValidateCoherence(delegate, cache, stripes, handles);
			case EXCLUSIVE -> new ExclusiveCoherence(delegate, cache);
		};
	}

	/**
	 * Return the mode.
	 * @return the mode
	 */
	Coherence coherence();

	/**
	 * Whether a cached copy may be served as it is. Called holding no stripe.
	 * @param cached the copy
	 * @return {@code true} if it is current
	 */
	boolean isCurrent(SessionRecord cached);

	/**
	 * Return the version of a session, as the memoized store reports it (see
	 * {@link SessionStore#version(String)}).
	 * @param id the session id
	 * @return the version, or {@code null} if none is stored
	 */
	@Nullable Long version(String id);

	/**
	 * Prepare to cache a session the delegate returned, taking what the mode holds for a
	 * cached id unless it holds it already. Called holding the id's stripe.
	 * @param id the session id
	 * @return {@code true} if the session may be cached; {@code false} to serve it uncached
	 */
	boolean admit(String id);

	/**
	 * Let go of what the mode holds for an id that left the cache. Called holding the id's
	 * stripe.
	 * @param id the session id
	 */
	void release(String id);

	/**
	 * Whether the mode holds something for an id, to be {@link #release released} when it
	 * leaves the cache. Callable holding no stripe.
	 * @param id the session id
	 * @return {@code true} if it does
	 */
	boolean holds(String id);

	/**
	 * Return the ids the mode holds something for now.
	 * @return a live view of the ids
	 */
	Collection<String> heldIds();

	/**
	 * Return the number of delegate locks held now.
	 * @return the number
	 */
	int heldLocks();

	/**
	 * Set the manager of the delegate's locks and the longest wait for one; only the
	 * exclusive mode holds locks.
	 * @param lockManager the delegate's lock manager
	 * @param timeout the longest wait for a lock when caching a session
	 * @throws IllegalStateException in a mode that holds no locks
	 */
	default void setLockManager(SessionLockManager lockManager, Duration timeout) {
		throw new IllegalStateException(HOLDS_NO_LOCKS);
	}

}
