package dev.sessionstarter.daemon;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

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

	/**
	 * Starts at a random value in each run, so that a token from before a restart (a client that
	 * kept it, with the sessions reloaded from the storage directory) releases no lock of this run.
	 */
	private final AtomicLong nextToken = new AtomicLong(1 + (new SecureRandom().nextLong() >>> 2));

	private final LongAdder leaseExpiries = new LongAdder();

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
		long leaseNanos = (leaseMillis > 0) ? TimeUnit.MILLISECONDS.toNanos(leaseMillis) : this.defaultLeaseNanos;
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, waitMillis));
		while (true) {
			IdLock lock = this.locks.computeIfAbsent(id, IdLock::new);
			lock.guard.lock();
			try {
				if (!lock.discarded) {
					return acquire(lock, owner, deadline, leaseNanos);
				}
			}
			finally {
				lock.guard.unlock();
			}
		}
	}

	long acquire(IdLock lock, LockOwner owner, long deadline, long leaseNanos) throws InterruptedException {
		long now = System.nanoTime();
		expireLease(lock, now);
		IdLock.Holder holder = lock.holder;
		if (holder == null) {
			return grant(lock, owner, leaseNanos, now);
		}
		if (holder.owner() == owner) {
			if (owner.retainer == null) {
				throw new IllegalStateException("This connection already holds the lock on that session");
			}
			// a client asks again for a lock it retains, which it no longer trusts: a new token and lease
			long token = grant(lock, owner, leaseNanos, now);
			if (!lock.waiters.isEmpty()) {
				owner.retainer.want(lock.id, token);
			}
			return token;
		}
		Retainer retainer = holder.owner().retainer;
		if (retainer != null) {
			retainer.want(lock.id, holder.token());
		}
		if (deadline - now <= 0) {
			return 0;
		}
		IdLock.Waiter waiter = new IdLock.Waiter(owner, leaseNanos, lock.guard.newCondition());
		lock.waiters.add(waiter);
		try {
			while (waiter.token == 0) {
				long remaining = deadline - now;
				if (remaining <= 0) {
					lock.waiters.remove(waiter);
					return 0;
				}
				long untilLeaseEnd = lock.currentHolder().leaseEnd() - now;
				waiter.turn.awaitNanos(Math.max(1, Math.min(remaining, untilLeaseEnd)));
				now = System.nanoTime();
				expireLease(lock, now);
			}
			return waiter.token;
		}
		catch (InterruptedException ex) {
			if (waiter.token != 0) {
				release(lock);
			}
			else {
				lock.waiters.remove(waiter);
			}
			throw ex;
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
			release(lock);
			return true;
		}
		finally {
			lock.guard.unlock();
		}
	}

	/**
	 * Release every lock an owner holds; called by its connection's thread when it closes.
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
					release(lock);
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
		return this.leaseExpiries.sum();
	}

	/**
	 * End the holder's lease if it has run out, handing the lock to the longest waiter.
	 */
	private void expireLease(IdLock lock, long now) {
		IdLock.Holder holder = lock.holder;
		if (holder != null && now - holder.leaseEnd() >= 0) {
			holder.owner().held.remove(lock.id);
			this.leaseExpiries.increment();
			handOver(lock, now);
		}
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
				expireLease(lock, System.nanoTime());
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
	 * Hand a held lock, under its guard, to another owner with a new lease, unless someone waits
	 * for it: it is then released to the longest waiter.
	 * @param lock the lock, guarded
	 * @param token the token it must be held under
	 * @param to the new owner
	 * @param leaseNanos the new lease
	 * @return whether the lock was handed over; {@code false} if it was released, or not held
	 * under that token
	 */
	boolean transfer(IdLock lock, long token, LockOwner to, long leaseNanos) {
		IdLock.Holder holder = lock.holder;
		if (holder == null || holder.token() != token) {
			return false;
		}
		if (!lock.waiters.isEmpty()) {
			release(lock);
			return false;
		}
		holder.owner().held.remove(lock.id);
		lock.holder = new IdLock.Holder(to, token, System.nanoTime() + leaseNanos);
		to.held.add(lock.id);
		return true;
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
	 * Release a held lock, under its guard: hand it to the longest waiter or, with none, forget the id.
	 * @param lock the lock
	 */
	void release(IdLock lock) {
		lock.currentHolder().owner().held.remove(lock.id);
		handOver(lock, System.nanoTime());
		if (lock.holder == null) {
			lock.discarded = true;
			this.locks.remove(lock.id, lock);
		}
	}

	private void handOver(IdLock lock, long now) {
		IdLock.Waiter next = lock.waiters.poll();
		if (next == null) {
			lock.holder = null;
			return;
		}
		next.token = grant(lock, next.owner, next.leaseNanos, now);
		next.turn.signal();
	}

	private long grant(IdLock lock, LockOwner owner, long leaseNanos, long now) {
		long token = this.nextToken.getAndIncrement();
		lock.holder = new IdLock.Holder(owner, token, now + leaseNanos);
		owner.held.add(lock.id);
		owner.leaseGranted(now + leaseNanos);
		return token;
	}

}
