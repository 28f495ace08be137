package dev.sessionstarter.store.memoized;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionHandle;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionStore;

/**
 * The {@link SessionHandle handles} a cache keeps on the delegate's sessions while it caches
 * them, each with the record the cache last admitted, through which version checks and saves
 * go instead of finding the session by id. Every method but {@link #holds(String)} is called
 * holding the id's stripe, which serializes the uses of its handle. When the delegate offers no
 * more handles (it may bound them), the handle of a session not used lately is given up for
 * the one asked for ({@link HandleClock}).
 */
final class DelegateHandles {

	private final SessionStore delegate;

	private final ConcurrentHashMap<String, HeldHandle> held = new ConcurrentHashMap<>();

	private final HandleClock clock;

	/**
	 * The version of each cached session the delegate offered no handle for (the json format,
	 * a file of the previous layout, too many files mapped): not asked again until the session
	 * is at another version or leaves the cache.
	 */
	private final ConcurrentHashMap<String, Long> declined = new ConcurrentHashMap<>();

	/**
	 * Set when the cache closes: no handle is opened from then on.
	 */
	private volatile boolean closed;

	DelegateHandles(SessionStore delegate, Stripes stripes) {
		this.delegate = delegate;
		this.clock = new HandleClock(this.held, stripes);
	}

	/**
	 * Whether a handle is held for an id; callable holding no stripe.
	 * @param id the session id
	 * @return {@code true} if the id has a handle
	 */
	boolean holds(String id) {
		return this.held.containsKey(id);
	}

	/**
	 * Whether the delegate offered no handle for a session at the version of a copy; callable
	 * holding no stripe.
	 * @param cached the cached copy
	 * @return {@code true} if asking again would be in vain
	 */
	boolean declined(SessionRecord cached) {
		Long version = this.declined.get(cached.id());
		return version != null && version == cached.version();
	}

	/**
	 * Return the ids that have a handle now.
	 * @return a live view of the ids
	 */
	Collection<String> ids() {
		return this.held.keySet();
	}

	/**
	 * Open the delegate's handle on a session about to be cached, unless its id has one: from
	 * its second save on, so that a session created and never used again costs no handle (one
	 * used again by reads only gets it on its first validated hit: {@link #openCurrent}).
	 * @param record the record the delegate returned
	 */
	void open(SessionRecord record) {
		if (record.version() > 1 && !this.held.containsKey(record.id()) && !declined(record)) {
			open(record.id(), record.version());
		}
	}

	/**
	 * Open the delegate's handle on a session the cache holds with none, whatever its version,
	 * with the cached record as the base of its next save.
	 * @param cached the record the cache holds, found current
	 */
	void openCurrent(SessionRecord cached) {
		HeldHandle held = open(cached.id(), cached.version());
		if (held != null) {
			held.record = cached;
		}
	}

	private @Nullable HeldHandle open(String id, long version) {
		if (this.closed) {
			return null;
		}
		SessionHandle handle = this.delegate.open(id);
		if (handle == null && this.clock.closeOneUnused()) {
			// the delegate may have had as many open as it allows
			handle = this.delegate.open(id);
		}
		if (handle == null) {
			this.declined.put(id, version);
			return null;
		}
		if (this.closed) {
			// closed by this very thread meanwhile (the others wait for its stripe: see close())
			handle.close();
			return null;
		}
		this.declined.remove(id);
		HeldHandle held = new HeldHandle(handle);
		this.held.put(id, held);
		return held;
	}

	/**
	 * Open no handle from now on; the caller then waits for every stripe to be free once (see
	 * {@link Stripes#awaitHolders()}), after which every handle opened is in {@link #ids()}.
	 * Callable holding no stripe.
	 */
	void stopOpening() {
		this.closed = true;
	}

	/**
	 * Whether the cache is closed: it then opens no handle and caches nothing more.
	 * @return {@code true} once {@link #stopOpening()} was called
	 */
	boolean isClosed() {
		return this.closed;
	}

	/**
	 * Remember the record the cache admitted for a session with a handle, the base of the next
	 * save through the handle.
	 * @param cached the very record the cache hands out, so the repository's mark that it was
	 * decoded carries on to the records saved from it
	 */
	void admitted(SessionRecord cached) {
		HeldHandle held = this.held.get(cached.id());
		if (held != null) {
			held.record = cached;
		}
	}

	/**
	 * Return the delegate's version of a session, through its handle when it has one.
	 * @param id the session id
	 * @return the version, or {@code null} if the session is no longer stored
	 */
	@Nullable Long version(String id) {
		HeldHandle held = this.held.get(id);
		if (held == null) {
			return this.delegate.version(id);
		}
		held.use();
		return held.handle.version();
	}

	/**
	 * Save a change in the delegate: through the session's handle, given the record last
	 * admitted, when there is one; by id otherwise.
	 * @param change the change
	 * @return the stored result, or {@code null} if the session is no longer stored
	 */
	@Nullable SessionRecord save(SessionChange change) {
		if (!change.isCreate() && !change.isRename()) {
			HeldHandle held = this.held.get(change.id());
			if (held != null && held.record != null) {
				held.use();
				return held.handle.save(change, held.record);
			}
		}
		return this.delegate.save(change);
	}

	/**
	 * Close the handle of an id that leaves the cache, if it has one, and forget that the
	 * delegate offered none.
	 * @param id the session id
	 */
	void close(String id) {
		this.declined.remove(id);
		HeldHandle held = this.held.remove(id);
		if (held != null) {
			held.handle.close();
		}
	}

}
