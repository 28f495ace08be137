package dev.sessionstarter.lock;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A {@link SessionLockManager} for one process: one fair single-permit lock per session id that a
 * request holds or waits for ({@link IdLocks}), kept only while a request holds or waits for it,
 * so the manager holds nothing for sessions no request is using. A lock nobody holds or waits for
 * costs one map insertion and one removal on release.
 *
 * <p>Locks are not bound to threads: a lock taken by one thread may be released by another, as
 * an asynchronous request does when it completes on a container thread. Waiters are served
 * first come, first served.
 */
public final class MemorySessionLockManager implements SessionLockManager {

	private final IdLocks ids = new IdLocks();

	@Override
	public String type() {
		return "memory";
	}

	@Override
	public @Nullable SessionLock tryLock(String sessionId, Duration timeout) throws InterruptedException {
		Assert.notNull(sessionId, "'sessionId' must not be null");
		Assert.notNull(timeout, "'timeout' must not be null");
		IdLocks.Entry entry = this.ids.acquire(sessionId, SessionLockManager.timeoutNanos(timeout));
		return (entry != null) ? new Held(sessionId, entry) : null;
	}

	/**
	 * Return how many locks are held now, counted among the entries when asked (the meters and
	 * the endpoint ask now and then) rather than in a counter every lock and release of every
	 * request would update.
	 * @return the held locks
	 */
	@Override
	public int heldLocks() {
		return this.ids.held();
	}

	@Override
	public boolean isNonBlocking() {
		return true;
	}

	/**
	 * Return how many session ids have an entry: held or waited for.
	 * @return the number of entries
	 */
	int entries() {
		return this.ids.size();
	}

	/**
	 * One request's hold of an entry, released once.
	 */
	private final class Held implements SessionLock {

		private static final AtomicIntegerFieldUpdater<Held> RELEASED = AtomicIntegerFieldUpdater
			.newUpdater(Held.class, "released");

		private final String sessionId;

		private final IdLocks.Entry entry;

		private volatile int released;

		Held(String sessionId, IdLocks.Entry entry) {
			this.sessionId = sessionId;
			this.entry = entry;
		}

		@Override
		public String sessionId() {
			return this.sessionId;
		}

		@Override
		public void release() {
			if (!RELEASED.compareAndSet(this, 0, 1)) {
				return;
			}
			MemorySessionLockManager.this.ids.release(this.sessionId, this.entry);
		}

	}

}
