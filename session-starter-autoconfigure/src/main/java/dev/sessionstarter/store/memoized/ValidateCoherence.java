package dev.sessionstarter.store.memoized;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionStore;

/**
 * {@link Coherence#VALIDATE}: a cached copy is served only when the delegate's
 * {@link SessionStore#version(String) version} of the session is still the copy's, asked
 * through the session's handle when the cache holds one. Nothing is held in the delegate.
 */
final class ValidateCoherence implements CoherenceStrategy {

	private final SessionStore delegate;

	private final Stripes stripes;

	private final DelegateHandles handles;

	ValidateCoherence(SessionStore delegate, Stripes stripes, DelegateHandles handles) {
		Assert.isTrue(delegate.supportsVersionCheck(),
				() -> "The " + delegate.type() + " store cannot validate cached copies; use exclusive coherence");
		this.delegate = delegate;
		this.stripes = stripes;
		this.handles = handles;
	}

	@Override
	public Coherence coherence() {
		return Coherence.VALIDATE;
	}

	@Override
	public boolean isCurrent(SessionRecord cached) {
		String id = cached.id();
		if (!this.handles.holds(id)) {
			// no handle to keep from being closed meanwhile: no need for the stripe
			return Objects.equals(this.delegate.version(id), cached.version());
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
