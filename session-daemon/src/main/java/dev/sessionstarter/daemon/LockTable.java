package dev.sessionstarter.daemon;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * The daemon's exclusive locks on session ids. The owner of a lock is a connection (its
 * {@link LockOwner}); a lock is released when its owner unlocks it, when the connection closes
 * ({@link #releaseAll}), or when its lease runs out, after which the next acquirer takes it
 * over. The waiters of an id are served in arrival order: a release hands the lock straight to
 * the one that has waited longest, so a request that arrives meanwhile cannot take it first.
 *
 * <p>Thread-safe: every connection's thread calls it. Each id locked has a state of its own
 * (holder, queue of waiters, guard), kept only while someone holds or waits for the lock, so
 * waits on different ids do not contend and the ids ever locked take no memory.
 */
final class LockTable {

	private final ConcurrentMap<String, IdLock> locks = new ConcurrentHashMap<>();

	private final long defaultLeaseNanos;

	private final LockGrants grants = new LockGrants(this.locks);

	LockTable(Duration defaultLease) {
		this.defaultLeaseNanos = defaultLease.toNanos();
	}

	/**
	 * Acquire the lock on an id, waiting at most {@code waitMillis} behind the earlier waiters.
	 * @param id the session id
	 * @param owner the connection asking
	 * @param waitMillis the longest wait
	 * @param leaseMillis the lease, or {@code 0} for the default
	 * @return the lock's token, or {@code 0} if it was not free in time
	 * @throws InterruptedException if the daemon stops meanwhile
	 * @throws IllegalStateException if the owner already holds this lock
	 */
	long lock(String id, LockOwner owner, long waitMillis, long leaseMillis) throws InterruptedException {
		long leaseNanos = leaseNanos(leaseMillis);
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, waitMillis));
		while (true) {
			IdLock lock = this.locks.computeIfAbsent(id, IdLock::new);
			lock.guard.lock();
			try {
				if (!lock.discarded) {
					return this.grants.acquire(lock, owner, deadline, leaseNanos);
				}
			}
			finally {
				lock.guard.unlock();
			}
		}
	}

	/**
	 * Release a lock.
	 * @param id the session id
	 * @param token the token {@link #lock} returned
	 * @return {@code false} if that lock is not held any more (its lease ran out)
	 */
	boolean unlock(String id, long token) {
		IdLock lock = this.locks.get(id);
		if (lock == null) {
			return false;
		}
		lock.guard.lock();
		try {
			if (lock.holder == null || lock.holder.token() != token) {
				return false;
			}
			this.grants.release(lock);
			return true;
		}
		finally {
			lock.guard.unlock();
		}
	}

	/**
	 * Return the lease of a lock taken without one ({@code --lock-lease}).
	 * @return the lease in milliseconds
	 */
	long defaultLeaseMillis() {
		return Math.max(1, TimeUnit.NANOSECONDS.toMillis(this.defaultLeaseNanos));
	}

	private long leaseNanos(long leaseMillis) {
		return (leaseMillis > 0) ? TimeUnit.MILLISECONDS.toNanos(leaseMillis) : this.defaultLeaseNanos;
	}

	/**
	 * Renew the lease of a held lock, for a request that runs longer than it: the lease ends
	 * {@code leaseMillis} from now, unless it ends later already. Its holder keeps it.
	 * @param id the session id
	 * @param token the token the lock must be held under
	 * @param leaseMillis the lease from now, or {@code 0} for the default
	 * @return whether the lock is still held under that token (renewed); {@code false} if its
	 * lease ran out or it was released
	 */
	boolean renew(String id, long token, long leaseMillis) {
		long leaseNanos = leaseNanos(leaseMillis);
		IdLock lock = guarded(id);
		try {
			IdLock.Holder holder = lock.holder;
			if (holder == null || holder.token() != token) {
				return false;
			}
			long leaseEnd = System.nanoTime() + leaseNanos;
			if (leaseEnd - holder.leaseEnd() > 0) {
				lock.holder = new IdLock.Holder(holder.owner(), token, leaseEnd);
				holder.owner().leaseGranted(leaseEnd);
			}
			return true;
		}
		finally {
			unguard(lock);
		}
	}

	/**
	 * Release every lock an owner holds; called by its connection's thread when it closes, and for
	 * a client that retains locks when its side closes its notice connection.
	 * @param owner the owner
	 */
	void releaseAll(LockOwner owner) {
		for (String id : owner.held) {
			IdLock lock = this.locks.get(id);
			if (lock == null) {
				continue;
			}
			lock.guard.lock();
			try {
				if (lock.holder != null && lock.holder.owner() == owner) {
					this.grants.release(lock);
				}
			}
			finally {
				lock.guard.unlock();
			}
		}
	}

	/**
	 * Return how many locks are held, counting those whose lease ran out but that nobody took over yet.
	 * @return the number of locks
	 */
	int size() {
		return this.locks.size();
	}

	/**
	 * Return how many locks were taken over after their lease ran out.
	 * @return the number of lease expiries
	 */
	long leaseExpiries() {
		return this.grants.leaseExpiries();
	}

	/**
	 * Return the lock of an id with its guard held, made if there is none: a caller decides under
	 * it, then gives it back with {@link #unguard}.
	 * @param id the session id
	 * @return the lock, guarded
	 */
	IdLock guarded(String id) {
		while (true) {
			IdLock lock = this.locks.computeIfAbsent(id, IdLock::new);
			lock.guard.lock();
			if (!lock.discarded) {
				this.grants.expireLease(lock, System.nanoTime());
				return lock;
			}
			lock.guard.unlock();
		}
	}

	/**
	 * Give back a lock {@link #guarded} returned, forgetting the id when nobody holds or waits for it.
	 * @param lock the lock
	 */
	void unguard(IdLock lock) {
		try {
			if (!lock.discarded && lock.holder == null && lock.waiters.isEmpty()) {
				lock.discarded = true;
				this.locks.remove(lock.id, lock);
			}
		}
		finally {
			lock.guard.unlock();
		}
	}

	/**
	 * Return who holds the lock of an id now, read without its guard (for a notice only).
	 * @param id the session id
	 * @return the holder, or {@code null}
	 */
	IdLock.@Nullable Holder holder(String id) {
		IdLock lock = this.locks.get(id);
		return (lock != null) ? lock.holder : null;
	}

	/**
	 * Take a lock, under its guard, or wait for it ({@link LockGrants#acquire}).
	 * @param lock the lock, guarded
	 * @param owner who asks
	 * @param deadline until when to wait, a {@link System#nanoTime()} value
	 * @param leaseNanos the lease
	 * @return the token, or {@code 0} if it was not free in time
	 * @throws InterruptedException if the daemon stops meanwhile
	 */
	long acquire(IdLock lock, LockOwner owner, long deadline, long leaseNanos) throws InterruptedException {
		return this.grants.acquire(lock, owner, deadline, leaseNanos);
	}

	/**
	 * Hand a held lock to another owner ({@link LockGrants#transfer}).
	 * @param lock the lock, guarded
	 * @param token the token it must be held under
	 * @param to the new owner
	 * @param leaseNanos the new lease
	 * @return whether the lock was handed over
	 */
	boolean transfer(IdLock lock, long token, LockOwner to, long leaseNanos) {
		return this.grants.transfer(lock, token, to, leaseNanos);
	}

	/**
	 * Release a held lock, under its guard ({@link LockGrants#release}).
	 * @param lock the lock
	 */
	void release(IdLock lock) {
		this.grants.release(lock);
	}

}
