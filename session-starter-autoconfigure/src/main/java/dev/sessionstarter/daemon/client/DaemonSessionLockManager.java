package dev.sessionstarter.daemon.client;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.lock.MemorySessionLockManager;
import dev.sessionstarter.lock.ReleaseOnceLock;
import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.lock.SessionLockManager;

/**
 * A {@link SessionLockManager} whose locks are held by a {@code session-daemon} process (one
 * started with {@code --lock}, or the one that keeps the sessions), so they exclude the
 * requests of every process that shares it.
 *
 * <p>The requests of this process queue for a session in a {@link MemorySessionLockManager}
 * first, so only one of them at a time asks the daemon. The daemon's lock owner is a
 * connection, and one connection holds any number of locks: a free lock is taken, and released,
 * over whichever pooled connection of the client is free ({@link FreeDaemonLocks}), which
 * goes on serving other calls while it holds the lock, so held locks do not cost a connection
 * each and no request waits for another's call. The daemon releases a lock when it is
 * unlocked, when the connection that holds it closes (the process died, or the connection
 * failed), or when its lease runs out, so a worker that hangs or is killed never blocks a session
 * for longer than the lease. A request that runs longer than the lease loses its exclusivity, and
 * its save is refused (a fenced save: the daemon saves under a lock only while its token holds it).
 *
 * <p>A lock is first asked for without waiting, within the client timeout, so a daemon that is
 * frozen or gone fails the request within one client timeout whatever the lock timeout. Only a
 * lock another process holds is then waited for, in the daemon, on a pooled connection of its
 * own that keeps the lock until it is released ({@link WaitedDaemonLocks}: a second call, whose
 * deadline is the rest of the lock timeout plus the client timeout); while it waits the daemon is
 * pinged, and the wait fails about one client timeout after the daemon stops answering. {@link #tryLock} throws
 * {@link DaemonUnavailableException} when the daemon does not answer in time.
 */
public final class DaemonSessionLockManager implements SessionLockManager, AutoCloseable {

	/**
	 * The longest wait for a lock, some 73 years: a longer timeout means no limit, and the
	 * deadline of the call (the wait plus the client timeout) must not overflow.
	 */
	private static final long MAX_WAIT_NANOS = Long.MAX_VALUE / 4;

	private final DaemonClient client;

	private final MemorySessionLockManager local = new MemorySessionLockManager();

	private final FreeDaemonLocks free;

	private final WaitedDaemonLocks waited;

	/**
	 * The lease locks are taken with, in milliseconds; 0 for the daemon's default ({@code --lock-lease}).
	 */
	private final long leaseMillis;

	private final AtomicInteger held = new AtomicInteger();

	private volatile @Nullable DaemonHeldLocks heldLocks;

	/**
	 * Create a lock manager.
	 * @param client the client of the daemon; besides the few shared connections, a lock that
	 * must be waited for keeps one of its connections while it waits and while it is held
	 * @param lease how long the daemon keeps a lock whose owner neither releases it nor
	 * disconnects; {@link Duration#ZERO} for the daemon's default
	 */
	public DaemonSessionLockManager(DaemonClient client, Duration lease) {
		Assert.notNull(client, "'client' must not be null");
		Assert.isTrue(lease != null && !lease.isNegative(), "'lease' must not be negative");
		this.client = client;
		this.leaseMillis = lease.toMillis();
		this.free = new FreeDaemonLocks(client, lease.toMillis());
		this.waited = new WaitedDaemonLocks(client, lease.toMillis());
	}

	@Override
	public String type() {
		return "daemon";
	}

	/**
	 * Return the client this manager calls the daemon through.
	 * @return the client
	 */
	public DaemonClient getClient() {
		return this.client;
	}

	/**
	 * Share the locks this manager holds with the {@link DaemonSessionStore} of the same daemon:
	 * a free lock is then taken with the session it guards ({@code LOCK_FIND}), which the store
	 * serves instead of reading it again, and the store's save releases it ({@code SAVE_UNLOCK}),
	 * so a request costs two calls. The store then keeps the last copy of each session it read or
	 * saved, bounded, whose version a lock call sends ({@code LOCK_FIND_SINCE}), so that the
	 * daemon answers without the session when that copy is current. A daemon older than protocol
	 * version 5 gets {@code LOCK_FIND}, and one older than version 3 the four calls of
	 * {@code LOCK}, {@code GET}, {@code SAVE} and {@code UNLOCK}. When the held locks have a
	 * retention (protocol version 6), locks are retained between requests
	 * ({@link DaemonRetainedLocks}): this manager's client then keeps a connection of its own for
	 * the daemon's notices, and releases the retained locks when this manager is closed.
	 * @param heldLocks the locks, shared with the store
	 */
	public void setHeldLocks(DaemonHeldLocks heldLocks) {
		Assert.notNull(heldLocks, "'heldLocks' must not be null");
		heldLocks.useCopies();
		heldLocks.retainThrough(this.client);
		heldLocks.renewThrough(this.client, this.leaseMillis);
		this.heldLocks = heldLocks;
	}

	@Override
	public @Nullable SessionLock tryLock(String sessionId, Duration timeout) throws InterruptedException {
		Assert.notNull(sessionId, "'sessionId' must not be null");
		Assert.isTrue(timeout != null && !timeout.isNegative(), "'timeout' must not be negative");
		long waitNanos = Math.min(SessionLockManager.timeoutNanos(timeout), MAX_WAIT_NANOS);
		long start = System.nanoTime();
		SessionLock local = this.local.tryLock(sessionId, Duration.ofNanos(waitNanos));
		if (local == null) {
			return null;
		}
		Runnable unlock = null;
		try {
			unlock = retainedLock(sessionId);
			if (unlock == null) {
				unlock = lockInDaemon(sessionId, Math.max(0, waitNanos - (System.nanoTime() - start)));
			}
		}
		finally {
			if (unlock == null) {
				local.release();
			}
		}
		if (unlock == null) {
			return null;
		}
		this.held.incrementAndGet();
		Runnable release = unlock;
		return new ReleaseOnceLock(sessionId, () -> {
			this.held.decrementAndGet();
			try {
				release.run();
			}
			finally {
				local.release();
			}
		});
	}

	/**
	 * Take the lock this process retains in the daemon, with the session its save answered,
	 * without a call, if it may be trusted.
	 * @return how to release it, or {@code null} if no such lock is retained
	 */
	private @Nullable Runnable retainedLock(String sessionId) {
		DaemonHeldLocks heldLocks = this.heldLocks;
		DaemonRetainedLocks retained = (heldLocks != null) ? heldLocks.retained() : null;
		RetainedDaemonLock lock = (retained != null) ? retained.take(sessionId) : null;
		if (lock == null) {
			return null;
		}
		HeldDaemonLock held = new HeldDaemonLock(sessionId, lock.token(),
				new DaemonHeldLocks.Prefetched(lock.record()), lock);
		heldLocks.add(held);
		return retained.releaseOf(heldLocks, held);
	}

	/**
	 * Take the lock in the daemon: free, over a shared connection; held by another process,
	 * by waiting on a connection of its own.
	 * @return how to release it, or {@code null} if it was not free within the wait
	 */
	private @Nullable Runnable lockInDaemon(String sessionId, long waitNanos) throws InterruptedException {
		Runnable release = this.free.lock(sessionId, this.heldLocks);
		if (release != null || waitNanos <= 0) {
			return release;
		}
		return this.waited.lock(sessionId, waitNanos, this.heldLocks);
	}

	@Override
	public int heldLocks() {
		return this.held.get();
	}

	/**
	 * Release the locks retained between requests, if any, while the client is still open; the
	 * other locks are held by the connections of the client, which its owner closes (that
	 * releases them).
	 */
	@Override
	public void close() {
		DaemonHeldLocks heldLocks = this.heldLocks;
		if (heldLocks != null) {
			heldLocks.close();
		}
	}

}
