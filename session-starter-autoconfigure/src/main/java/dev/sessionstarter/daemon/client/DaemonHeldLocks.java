package dev.sessionstarter.daemon.client;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.store.SessionRecord;

/**
 * The daemon request locks this process holds, shared by the {@link DaemonSessionLockManager}
 * that takes them and the {@link DaemonSessionStore} that saves the sessions they guard (the
 * daemon's counterpart of the Redis store's held locks): the store serves the session the lock
 * call answered ({@code LOCK_FIND}) instead of reading it again, and the save of the request
 * releases the lock in the same call ({@code SAVE_UNLOCK}), so a returning request costs two
 * round trips. Both must call the same daemon. The requests of one session are serialized by
 * the lock, so a process holds at most one lock per session id.
 *
 * <p>With a retention ({@code sessions.daemon.lock-retain}, protocol version 6) a save keeps
 * the lock instead ({@code SAVE_RETAIN}), and the session's next request here takes it and
 * the session without a call ({@link DaemonRetainedLocks}); close the held locks to release
 * what they retain.
 */
public final class DaemonHeldLocks implements AutoCloseable {

	private final ConcurrentHashMap<String, HeldDaemonLock> held = new ConcurrentHashMap<>();

	private final DaemonSessionCopies copies = new DaemonSessionCopies(DaemonSessionCopies.DEFAULT_MAX_BYTES);

	/**
	 * Whether a lock manager sends the versions of {@link #copies} with its lock calls, so that
	 * they are worth keeping.
	 */
	private volatile boolean copiesUsed;

	private final @Nullable DaemonRetainedLocks retained;

	private volatile @Nullable DaemonLockNotices notices;

	private @Nullable DaemonLockRenewals renewals;

	/**
	 * The locks held by requests that waited for them in the daemon, on connections of their own:
	 * not shared with the store, only renewed while their requests run.
	 */
	private final Set<HeldDaemonLock> waited = ConcurrentHashMap.newKeySet();

	/**
	 * Create held locks that are released at the end of their request.
	 */
	public DaemonHeldLocks() {
		this(Duration.ZERO);
	}

	/**
	 * Create held locks that a save retains for a while.
	 * @param lockRetain how long a save keeps the request lock for the session's next request
	 * in this process; {@link Duration#ZERO} to release it, else at least a second
	 */
	public DaemonHeldLocks(Duration lockRetain) {
		Assert.isTrue(lockRetain != null && (lockRetain.isZero() || lockRetain.toMillis() >= 1000),
				"'lockRetain' must be zero or at least one second");
		long clientId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
		this.retained = lockRetain.isZero() ? null : new DaemonRetainedLocks(clientId, lockRetain.toNanos());
	}

	/**
	 * Return the locks retained between requests, or {@code null} if none are.
	 */
	@Nullable DaemonRetainedLocks retained() {
		return this.retained;
	}

	/**
	 * Retain locks through a client of the daemon, if a retention is set: its connections say
	 * they are this process's, it releases retained locks, and a connection of its own takes
	 * the daemon's notices.
	 * @param client the client
	 */
	synchronized void retainThrough(DaemonClient client) {
		DaemonRetainedLocks retained = this.retained;
		if (retained == null || this.notices != null) {
			return;
		}
		client.identify(retained.clientId());
		retained.releaseThrough(client);
		DaemonLockNotices notices = new DaemonLockNotices(client, retained);
		this.notices = notices;
		notices.start();
	}

	/**
	 * Renew through a client of the daemon the locks of the requests that run long
	 * ({@link DaemonLockRenewals}), from now until closed.
	 * @param client the client
	 * @param leaseMillis the lease locks are taken with, in milliseconds; 0 for the daemon's
	 * default lease, which is then asked for ({@code HELLO}, protocol version 8) unless a notice
	 * connection learns it first
	 */
	synchronized void renewThrough(DaemonClient client, long leaseMillis) {
		if (this.renewals == null) {
			DaemonLockRenewals renewals = new DaemonLockRenewals(client, List.of(this.held.values(), this.waited),
					this.retained, leaseMillis);
			this.renewals = renewals;
			renewals.start();
		}
	}

	/**
	 * Make the connections of a client say they are this process's, if a retention is set, so
	 * that its writes never wait for the locks this process retains.
	 * @param client the client
	 */
	void identify(DaemonClient client) {
		DaemonRetainedLocks retained = this.retained;
		if (retained != null) {
			client.identify(retained.clientId());
		}
	}

	/**
	 * Return whether saves retain their locks now: a retention is set and the daemon's notice
	 * connection is up.
	 * @return whether locks are retained
	 */
	public boolean isRetaining() {
		DaemonRetainedLocks retained = this.retained;
		return retained != null && retained.epochIfUp() >= 0;
	}

	/**
	 * Stop trusting the retained lock of a session, if any, which this process writes otherwise
	 * than by a save under that lock.
	 * @param sessionId the session id
	 */
	void invalidate(String sessionId) {
		DaemonRetainedLocks retained = this.retained;
		if (retained != null) {
			retained.invalidate(sessionId);
		}
	}

	/**
	 * Stop renewing, stop taking notices and release the locks retained.
	 */
	@Override
	public synchronized void close() {
		DaemonLockRenewals renewals = this.renewals;
		if (renewals != null) {
			renewals.close();
		}
		DaemonLockNotices notices = this.notices;
		if (notices != null) {
			notices.close();
		}
	}

	void add(HeldDaemonLock lock) {
		this.held.put(lock.sessionId(), lock);
	}

	void remove(HeldDaemonLock lock) {
		this.held.remove(lock.sessionId(), lock);
	}

	/**
	 * Renew a lock its request waited for in the daemon while the request runs, until
	 * {@link #removeWaited}.
	 * @param lock the lock
	 */
	void addWaited(HeldDaemonLock lock) {
		this.waited.add(lock);
	}

	void removeWaited(HeldDaemonLock lock) {
		this.waited.remove(lock);
	}

	@Nullable HeldDaemonLock get(String sessionId) {
		return this.held.get(sessionId);
	}

	/**
	 * Keep the last copies of the sessions read and saved from now on, for the lock manager
	 * to send their versions with its lock calls.
	 */
	void useCopies() {
		this.copiesUsed = true;
	}

	/**
	 * Keep a session as the daemon answered it, if copies are used.
	 * @param record the record
	 */
	void keepCopy(SessionRecord record) {
		if (this.copiesUsed) {
			this.copies.keep(record);
		}
	}

	/**
	 * Forget the copy of a session, which the daemon no longer keeps as it was.
	 * @param id the session id
	 */
	void forgetCopy(String id) {
		if (this.copiesUsed) {
			this.copies.forget(id);
		}
	}

	/**
	 * Return the copy of a session, if one is kept.
	 * @param id the session id
	 * @return the copy, or {@code null}
	 */
	@Nullable SessionRecord copy(String id) {
		return this.copiesUsed ? this.copies.get(id) : null;
	}

	/**
	 * Return how many locks this process holds with a session answered.
	 * @return the number
	 */
	public int size() {
		return this.held.size();
	}

	/**
	 * The session a lock call found: its record, or {@code null} when there was none.
	 * @param record the record
	 */
	record Prefetched(@Nullable SessionRecord record) {
	}

}
