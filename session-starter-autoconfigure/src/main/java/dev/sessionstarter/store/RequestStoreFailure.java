package dev.sessionstarter.store;

import org.jspecify.annotations.Nullable;

/**
 * The store failure of one request: the first {@link StoreUnavailableException} a store call of
 * the request threw. While it is bound to the thread that handles the request
 * ({@link #bind()}, as {@code SessionLockFilter} does around the rest of the filter chain, in
 * every dispatch of the request), {@link StoreSessionRepository} throws that failure again
 * instead of calling the store: the save Spring Session's filter makes in its {@code finally}
 * after a failed save at response commit, and any call of an error dispatch, never wait on a
 * store that already failed the request.
 *
 * <p>Thread-safe. One instance belongs to one request, kept in a request attribute.
 */
public final class RequestStoreFailure {

	private static final ThreadLocal<@Nullable RequestStoreFailure> current = new ThreadLocal<>();

	/** Ends a binding that had nothing bound before it. */
	private static final Scope UNBIND = () -> current.set(null);

	private volatile @Nullable StoreUnavailableException failure;

	/**
	 * Return the failure remembered, if any.
	 * @return the first store failure of the request, or {@code null}
	 */
	public @Nullable StoreUnavailableException get() {
		return this.failure;
	}

	/**
	 * Remember a failure, unless one is remembered already.
	 * @param failure the failure
	 */
	public void remember(StoreUnavailableException failure) {
		if (this.failure == null) {
			this.failure = failure;
		}
	}

	/**
	 * Make this the failure memory of the calling thread until the returned scope is closed.
	 * @return the scope, which restores what was bound before
	 */
	public Scope bind() {
		RequestStoreFailure previous = current.get();
		current.set(this);
		// the value is cleared, not removed: the next request of this (pooled) thread sets it again
		return (previous != null) ? () -> current.set(previous) : UNBIND;
	}

	/**
	 * Throw the failure remembered for the request the calling thread handles, if any.
	 * @throws StoreUnavailableException the remembered failure
	 */
	static void throwIfFailed() {
		RequestStoreFailure bound = current.get();
		StoreUnavailableException failure = (bound != null) ? bound.failure : null;
		if (failure != null) {
			throw failure;
		}
	}

	/**
	 * Remember a failure for the request the calling thread handles, if one is bound.
	 * @param failure the failure
	 */
	static void rememberForCurrent(StoreUnavailableException failure) {
		RequestStoreFailure bound = current.get();
		if (bound != null) {
			bound.remember(failure);
		}
	}

	/**
	 * A binding of a {@link RequestStoreFailure} to a thread.
	 */
	@FunctionalInterface
	public interface Scope extends AutoCloseable {

		/**
		 * Restore what was bound before.
		 */
		@Override
		void close();

	}

}
