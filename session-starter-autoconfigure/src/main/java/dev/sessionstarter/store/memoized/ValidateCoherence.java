package dev.sessionstarter.store.memoized;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * {@link Coherence#VALIDATE}: a cached copy is served only when the delegate's
 * {@link SessionStore#version(String) version} of the session is still the copy's, asked
 * through the session's handle when the cache holds one and the delegate
 * {@link SessionStore#checksVersionsThroughHandles() checks faster through it}. Nothing is held
 * in the delegate.
 */
final class ValidateCoherence implements CoherenceStrategy {

	private final SessionStore delegate;

	private final MemorySessionStore cache;

	private final Stripes stripes;

	private final DelegateHandles handles;

	private final boolean checksThroughHandles;

	ValidateCoherence(SessionStore delegate, MemorySessionStore cache, Stripes stripes, DelegateHandles handles) {
		Assert.isTrue(delegate.supportsVersionCheck(),
				() -> "The " + delegate.type() + " store cannot validate cached copies; use exclusive coherence");
		this.delegate = delegate;
		this.cache = cache;
		this.stripes = stripes;
		this.handles = handles;
		this.checksThroughHandles = delegate.checksVersionsThroughHandles();
	}

	@Override
	public Coherence coherence() {
		return Coherence.VALIDATE;
	}

	@Override
	public boolean isCurrent(SessionRecord cached) {
		String id = cached.id();
		if (!this.checksThroughHandles) {
			// a handle would ask the delegate the same: no stripe, and no handle opened on a hit
			return Objects.equals(this.delegate.version(id), cached.version());
		}
		if (!this.handles.holds(id)) {
			// no handle to keep from being closed meanwhile: no need for the stripe
			if (!Objects.equals(this.delegate.version(id), cached.version())) {
				return false;
			}
			if (!this.handles.declined(cached)) {
				openHandle(cached);
			}
			return true;
		}
		ReentrantLock stripe = this.stripes.of(id);
		stripe.lock();
		try {
			return Objects.equals(this.handles.version(id), cached.version());
		}
		finally {
			stripe.unlock();
		}
	}

	/**
	 * Open the delegate's handle on a session found current that has none (one saved only once
	 * is cached without a handle), so that its next checks read no file; under the id's
	 * stripe, and only while the cache still holds this very copy. The cache may evict the copy
	 * while the handle is opened, by itself and holding no stripe of this id: on this thread
	 * (within the delegate's open) the copy is gone when it is looked for again, and the handle
	 * is closed here; on another thread, the id that left is queued whatever it held then
	 * ({@link CachedIds#left(String)}), and that thread's {@link CachedIds#releaseLeft()} takes
	 * the stripe after this one and closes the handle. A copy the delegate offered no handle for
	 * is not offered one again ({@link DelegateHandles#declined}), so its hits take no stripe.
	 */
	private void openHandle(SessionRecord cached) {
		String id = cached.id();
		ReentrantLock stripe = this.stripes.of(id);
		stripe.lock();
		try {
			if (!this.handles.holds(id) && this.cache.find(id) == cached) {
				this.handles.openCurrent(cached);
				if (this.cache.find(id) != cached) {
					this.handles.close(id);
				}
			}
		}
		finally {
			stripe.unlock();
		}
	}

	@Override
	public @Nullable Long version(String id) {
		return this.delegate.version(id);
	}

	@Override
	public boolean admit(String id) {
		return true;
	}

	@Override
	public void release(String id) {
	}

	@Override
	public boolean holds(String id) {
		return false;
	}

	@Override
	public Collection<String> heldIds() {
		return Set.of();
	}

	@Override
	public int heldLocks() {
		return 0;
	}

}
