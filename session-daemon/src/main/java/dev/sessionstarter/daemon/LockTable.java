package dev.sessionstarter.daemon;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's exclusive locks on session ids. The owner of a lock is a connection (its
 * {@link Owner}); a lock is released when its owner unlocks it, when the connection closes
 * ({@link #releaseAll}), or when its lease runs out, after which the next acquirer takes it
 * over. One monitor guards the table: waiters sleep on it until a release or the holder's
 * lease end, whichever comes first.
 */
final class LockTable {

	private final Map<String, Holder> holders = new HashMap<>();

	private final long defaultLeaseNanos;

	private long nextToken = 1;

	private long leaseExpiries;

	LockTable(Duration defaultLease) {
		this.defaultLeaseNanos = defaultLease.toNanos();
	}

	/**
	 * Acquire the lock on an id, waiting at most {@code waitMillis}.
	 * @param id the session id
	 * @param owner the connection asking
	 * @param waitMillis the longest wait
	 * @param leaseMillis the lease, or {@code 0} for the default
	 * @return the lock's token, or {@code 0} if it was not free in time
	 * @throws InterruptedException if the daemon stops meanwhile
	 * @throws IllegalStateException if the owner already holds this lock
	 */
	synchronized long lock(String id, Owner owner, long waitMillis, long leaseMillis) throws InterruptedException {
		long leaseNanos = (leaseMillis > 0) ? TimeUnit.MILLISECONDS.toNanos(leaseMillis) : this.defaultLeaseNanos;
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, waitMillis));
		while (true) {
			long now = System.nanoTime();
			Holder holder = this.holders.get(id);
			if (holder != null && now - holder.leaseEnd >= 0) {
				this.holders.remove(id);
				holder.owner.held.remove(id);
				this.leaseExpiries++;
				holder = null;
			}
			if (holder == null) {
				long token = this.nextToken++;
				this.holders.put(id, new Holder(owner, token, now + leaseNanos));
				owner.held.add(id);
				return token;
			}
			if (holder.owner == owner) {
				throw new IllegalStateException("This connection already holds the lock on that session");
			}
			long remaining = deadline - now;
			if (remaining <= 0) {
				return 0;
			}
			TimeUnit.NANOSECONDS.timedWait(this, Math.max(1, Math.min(remaining, holder.leaseEnd - now)));
		}
	}

	/**
	 * Release a lock.
	 * @param id the session id
	 * @param token the token {@link #lock} returned
	 * @return {@code false} if that lock is not held any more (its lease ran out)
	 */
	synchronized boolean unlock(String id, long token) {
		Holder holder = this.holders.get(id);
		if (holder == null || holder.token != token) {
			return false;
		}
		this.holders.remove(id);
		holder.owner.held.remove(id);
		notifyAll();
		return true;
	}

	/**
	 * Release every lock an owner holds; called when its connection closes.
	 * @param owner the owner
	 */
	synchronized void releaseAll(Owner owner) {
		if (owner.held.isEmpty()) {
			return;
		}
		for (String id : owner.held) {
			Holder holder = this.holders.get(id);
			if (holder != null && holder.owner == owner) {
				this.holders.remove(id);
			}
		}
		owner.held.clear();
		notifyAll();
	}

	synchronized int size() {
		return this.holders.size();
	}

	synchronized long leaseExpiries() {
		return this.leaseExpiries;
	}

	/**
	 * The locks of one connection; guarded by the table's monitor.
	 */
	static final class Owner {

		final Set<String> held = new HashSet<>();

	}

	private record Holder(Owner owner, long token, long leaseEnd) {
	}

}
