package dev.sessionstarter.daemon;

import java.security.SecureRandom;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Who holds the lock of one id and who gets it next, for the {@link LockTable}: a lock is
 * granted with a token and a lease, or waited for behind the earlier waiters; a release or the
 * end of a lease hands it straight to the longest waiter; a save may hand it to a client that
 * retains it. Every method but {@link #leaseExpiries()} runs under the lock's guard; a lock
 * left with neither holder nor waiter is discarded from the table's map.
 */
final class LockGrants {

	private final ConcurrentMap<String, IdLock> locks;

	/**
	 * Starts at a random value in each run, so that a token from before a restart (a client that
	 * kept it, with the sessions reloaded from the storage directory) releases no lock of this run.
	 */
	private final AtomicLong nextToken = new AtomicLong(1 + (new SecureRandom().nextLong() >>> 2));

	private final LongAdder leaseExpiries = new LongAdder();

	LockGrants(ConcurrentMap<String, IdLock> locks) {
		this.locks = locks;
	}

	/**
	 * Take a lock, under its guard, or wait for it behind the earlier waiters until a deadline.
	 * @param lock the lock, guarded
	 * @param owner who asks
	 * @param deadline until when to wait, a {@link System#nanoTime()} value
	 * @param leaseNanos the lease
	 * @return the token, or {@code 0} if it was not free in time
	 * @throws InterruptedException if the daemon stops meanwhile
	 * @throws IllegalStateException if the owner, a connection, holds this lock already
	 */
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
				// handed over meanwhile: give it back only if its lease did not end and hand it on
				IdLock.Holder current = lock.holder;
				if (current != null && current.token() == waiter.token) {
					release(lock);
				}
			}
			else {
				lock.waiters.remove(waiter);
			}
			throw ex;
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

	/**
	 * End the holder's lease if it has run out, handing the lock to the longest waiter.
	 */
	void expireLease(IdLock lock, long now) {
		IdLock.Holder holder = lock.holder;
		if (holder != null && now - holder.leaseEnd() >= 0) {
			holder.owner().held.remove(lock.id);
			this.leaseExpiries.increment();
			handOver(lock, now);
		}
	}

	/**
	 * Return how many locks were taken over after their lease ran out.
	 * @return the number of lease expiries
	 */
	long leaseExpiries() {
		return this.leaseExpiries.sum();
	}

}
