package dev.sessionstarter.store.memoized;

import java.util.Collection;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * The leaving of ids from a cache, and the release of what the cache holds in the delegate
 * for each: the id's {@link DelegateHandles handle}, and what its {@link CoherenceStrategy}
 * holds (its lock). Both are taken before an id is cached and given up only under its
 * stripe. An id the cache removes by itself (an eviction, an expired copy) may leave while the
 * thread holds another id's stripe, so its release waits until the thread holds none.
 */
final class CachedIds {

	private final MemorySessionStore cache;

	private final Stripes stripes;

	private final DelegateHandles handles;

	private final CoherenceStrategy coherence;

	private final Queue<String> left = new ConcurrentLinkedQueue<>();

	CachedIds(MemorySessionStore cache, Stripes stripes, DelegateHandles handles, CoherenceStrategy coherence) {
		this.cache = cache;
		this.stripes = stripes;
		this.handles = handles;
		this.coherence = coherence;
	}

	/**
	 * Drop an id from the cache and release what is held for it. Called holding the id's stripe.
	 * @param id the session id
	 */
	void invalidate(String id) {
		this.cache.delete(id);
		release(id);
	}

	private void release(String id) {
		try {
			this.handles.close(id);
		}
		finally {
			this.coherence.release(id);
		}
	}

	/**
	 * Note an id that left the cache by itself, for {@link #releaseLeft()}. Callable holding any
	 * stripe. Queued whether or not something is held for it now: a hit may be opening the id's
	 * handle under its stripe at this moment (see {@link ValidateCoherence}), and only the
	 * stripe orders that opening with the release.
	 * @param id the session id
	 */
	void left(String id) {
		this.left.add(id);
	}

	/**
	 * Release what is held for the ids that left the cache by themselves, unless they are back
	 * in it. Called holding no stripe.
	 */
	void releaseLeft() {
		String id;
		while ((id = this.left.poll()) != null) {
			ReentrantLock stripe = this.stripes.of(id);
			stripe.lock();
			try {
				if (this.cache.find(id) == null) {
					release(id);
				}
			}
			finally {
				stripe.unlock();
			}
		}
	}

	/**
	 * Release every delegate lock and handle the cache holds, dropping their ids from the cache;
	 * from then on the cache caches nothing more and opens no handle (the sessions are served
	 * from the delegate), so that requests still running while the application stops leave
	 * nothing held. Whatever a thread took under a stripe before is released too: this waits for
	 * every stripe once.
	 */
	void close() {
		this.handles.stopOpening();
		this.stripes.awaitHolders();
		invalidateHeld();
	}

	/**
	 * Drop every id something is held for from the cache, releasing it, each under its stripe.
	 */
	private void invalidateHeld() {
		invalidateEach(this.handles.ids());
		invalidateEach(this.coherence.heldIds());
	}

	private void invalidateEach(Collection<String> ids) {
		for (String id : ids) {
			ReentrantLock stripe = this.stripes.of(id);
			stripe.lock();
			try {
				invalidate(id);
			}
			finally {
				stripe.unlock();
			}
		}
	}

}
