package dev.sessionstarter.lock;

import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletRequest;
import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.RequestStoreFailure;

/**
 * What {@link SessionLockFilter} keeps for one request, in one request attribute made on its
 * first dispatch: the request's store failure memory, the session ids it names, and the locks it
 * holds, released once when the request (or its asynchronous processing) is done. A later
 * dispatch of the same request (forward, include, error, async) finds it and shares the locks
 * while they are held.
 */
final class RequestLocks implements AsyncListener {

	/**
	 * The request attribute that holds it.
	 */
	static final String ATTRIBUTE = SessionLockFilter.class.getName() + ".REQUEST";

	private static final AtomicIntegerFieldUpdater<RequestLocks> HOLDING = AtomicIntegerFieldUpdater
		.newUpdater(RequestLocks.class, "holding");

	private final RequestStoreFailure storeFailure = new RequestStoreFailure();

	private @Nullable List<String> sessionIds;

	private @Nullable SessionLock lock;

	private @Nullable List<SessionLock> locks;

	private volatile int holding;

	/**
	 * Return the state of a request, made on its first dispatch.
	 * @param request the request
	 * @return its state
	 */
	static RequestLocks of(ServletRequest request) {
		if (request.getAttribute(ATTRIBUTE) instanceof RequestLocks existing) {
			return existing;
		}
		RequestLocks created = new RequestLocks();
		request.setAttribute(ATTRIBUTE, created);
		return created;
	}

	RequestStoreFailure storeFailure() {
		return this.storeFailure;
	}

	/**
	 * Return the session ids the lock filter resolved for the request.
	 * @return the ids, or {@code null} if it resolved none
	 */
	@Nullable List<String> sessionIds() {
		return this.sessionIds;
	}

	/**
	 * Record the session ids the lock filter resolved for the request, which do not change while
	 * it is handled, so that Spring Session's filter takes them instead of resolving them again.
	 */
	void resolved(List<String> sessionIds) {
		this.sessionIds = sessionIds;
	}

	/**
	 * Whether the request holds its locks now (also when it went on without them after its wait
	 * timed out), so that a nested dispatch shares them instead of waiting for them.
	 */
	boolean isHolding() {
		return this.holding != 0;
	}

	/**
	 * Record that the request holds one lock, or none if it went on without it.
	 */
	void hold(@Nullable SessionLock lock) {
		this.lock = lock;
		this.locks = null;
		this.holding = 1;
	}

	/**
	 * Record that the request holds several locks.
	 */
	void hold(List<SessionLock> locks) {
		this.lock = null;
		this.locks = locks;
		this.holding = 1;
	}

	/**
	 * Release what the request holds, once.
	 */
	void release() {
		if (HOLDING.compareAndSet(this, 1, 0)) {
			SessionLock held = this.lock;
			List<SessionLock> heldLocks = this.locks;
			this.lock = null;
			this.locks = null;
			if (held != null) {
				held.release();
			}
			else if (heldLocks != null) {
				SessionLock.releaseAll(heldLocks);
			}
		}
	}

	@Override
	public void onComplete(AsyncEvent event) {
		release();
	}

	@Override
	public void onTimeout(AsyncEvent event) {
		release();
	}

	@Override
	public void onError(AsyncEvent event) {
		release();
	}

	@Override
	public void onStartAsync(AsyncEvent event) {
		// A new asynchronous cycle: listeners must register again to hear of its end
		event.getAsyncContext().addListener(this);
	}

}
