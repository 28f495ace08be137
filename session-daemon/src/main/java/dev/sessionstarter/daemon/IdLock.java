package dev.sessionstarter.daemon;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * The lock of one id in the {@link LockTable}: its holder and its waiters in arrival order,
 * guarded by its own {@link #guard}. It is discarded (and a caller that finds it so looks the id
 * up again) when the last holder releases it with nobody waiting.
 */
final class IdLock {

	final String id;

	/**
	 * Fair, so that requests enter the queue of waiters in the order they reach the guard: one
	 * parked on a busy guard keeps its turn against a running thread that comes later.
	 */
	final ReentrantLock guard = new ReentrantLock(true);

	final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

	/**
	 * Written under the guard; volatile so that a removal notice may read it without it.
	 */
	volatile @Nullable Holder holder;

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

	/**
	 * A request waiting for a lock; its {@link #token} is set when the lock is handed to it.
	 */
	static final class Waiter {

		final LockOwner owner;

		final long leaseNanos;

		final Condition turn;

		long token;

		Waiter(LockOwner owner, long leaseNanos, Condition turn) {
			this.owner = owner;
			this.leaseNanos = leaseNanos;
			this.turn = turn;
		}

	}

	/**
	 * Who holds a lock, under which token, until when.
	 * @param owner the owner: a connection, or a client that retains it
	 * @param token the token
	 * @param leaseEnd the end of its lease, a {@link System#nanoTime()} value
	 */
	record Holder(LockOwner owner, long token, long leaseEnd) {
	}

}
