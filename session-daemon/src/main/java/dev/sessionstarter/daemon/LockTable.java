package dev.sessionstarter.daemon;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * The daemon's exclusive locks on session ids. The owner of a lock is a connection (its
 * {@link Owner}); a lock is released when its owner unlocks it, when the connection closes
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

	private final AtomicLong nextToken = new AtomicLong(1);

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
	long lock(String id, Owner owner, long waitMillis, long leaseMillis) throws InterruptedException {
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

	private long acquire(IdLock lock, Owner owner, long deadline, long leaseNanos) throws InterruptedException {
		long now = System.nanoTime();
		expireLease(lock, now);
		Holder holder = lock.holder;
		if (holder == null) {
			return grant(lock, owner, leaseNanos, now);
		}
		if (holder.owner == owner) {
			throw new IllegalStateException("This connection already holds the lock on that session");
		}
		if (deadline - now <= 0) {
			return 0;
		}
		Waiter waiter = new Waiter(owner, leaseNanos, lock.guard.newCondition());
		lock.waiters.add(waiter);
		try {
			while (waiter.token == 0) {
				long remaining = deadline - now;
				if (remaining <= 0) {
					lock.waiters.remove(waiter);
					return 0;
				}
				long untilLeaseEnd = lock.currentHolder().leaseEnd - now;
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
			if (lock.holder == null || lock.holder.token != token) {
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
	void releaseAll(Owner owner) {
		for (String id : owner.held) {
			IdLock lock = this.locks.get(id);
			if (lock == null) {
				continue;
			}
			lock.guard.lock();
			try {
				if (lock.holder != null && lock.holder.owner == owner) {
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
		Holder holder = lock.holder;
		if (holder != null && now - holder.leaseEnd >= 0) {
			holder.owner.held.remove(lock.id);
			this.leaseExpiries.increment();
			handOver(lock, now);
		}
	}

	/**
	 * Release a held lock: hand it to the longest waiter or, with none, forget the id.
	 */
	private void release(IdLock lock) {
		lock.currentHolder().owner.held.remove(lock.id);
		handOver(lock, System.nanoTime());
		if (lock.holder == null) {
			lock.discarded = true;
			this.locks.remove(lock.id, lock);
		}
	}

	private void handOver(IdLock lock, long now) {
		Waiter next = lock.waiters.poll();
		if (next == null) {
			lock.holder = null;
			return;
		}
		next.token = grant(lock, next.owner, next.leaseNanos, now);
		next.turn.signal();
	}

	private long grant(IdLock lock, Owner owner, long leaseNanos, long now) {
		long token = this.nextToken.getAndIncrement();
		lock.holder = new Holder(owner, token, now + leaseNanos);
		owner.held.add(lock.id);
		owner.leaseGranted(now + leaseNanos);
		return token;
	}

	/**
	 * The locks of one connection.
	 */
	static final class Owner {

		final Set<String> held = ConcurrentHashMap.newKeySet();

		private long latestLeaseEnd;

		private synchronized void leaseGranted(long leaseEnd) {
			if (this.held.size() == 1 || leaseEnd - this.latestLeaseEnd > 0) {
				this.latestLeaseEnd = leaseEnd;
			}
		}

		/**
		 * Return how long the latest lease among the locks this owner holds still runs.
		 * @return the nanoseconds, {@code 0} if it holds no lock or every lease has run out
		 */
		synchronized long remainingLeaseNanos() {
			if (this.held.isEmpty()) {
				return 0;
			}
			return Math.max(0, this.latestLeaseEnd - System.nanoTime());
		}

	}

	/**
	 * The lock of one id: its holder and its waiters in arrival order, guarded by its own
	 * {@link #guard}. It is discarded (and a caller that finds it so looks the id up again)
	 * when the last holder releases it with nobody waiting.
	 */
	private static final class IdLock {

		final String id;

		/**
		 * Fair, so that requests enter the queue of waiters in the order they reach the guard:
		 * one parked on a busy guard keeps its turn against a running thread that comes later.
		 */
		final ReentrantLock guard = new ReentrantLock(true);

		final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

		@Nullable Holder holder;

		boolean discarded;

		IdLock(String id) {
			this.id = id;
		}

		Holder currentHolder() {
			Holder holder = this.holder;
			if (holder == null) {
				throw new IllegalStateException("The lock on " + this.id + " is not held");
			}
			return holder;
		}

	}

	/**
	 * A request waiting for a lock; its {@link #token} is set when the lock is handed to it.
	 */
	private static final class Waiter {

		final Owner owner;

		final long leaseNanos;

		final Condition turn;

		long token;

		Waiter(Owner owner, long leaseNanos, Condition turn) {
			this.owner = owner;
			this.leaseNanos = leaseNanos;
			this.turn = turn;
		}

	}

	private record Holder(Owner owner, long token, long leaseEnd) {
	}

}
