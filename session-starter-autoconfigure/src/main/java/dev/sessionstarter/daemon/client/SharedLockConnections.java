package dev.sessionstarter.daemon.client;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.WireOutput;

/**
 * How the daemon lock manager takes free locks and releases them over the pooled connections of
 * its {@link DaemonClient}. The daemon's lock owner is a connection, and one connection may hold
 * any number of locks, so a lock is taken over whichever pooled connection is free, which goes
 * back to the pool at once and serves other calls (other locks taken too) while it holds the
 * lock: locks held by any number of requests cost no connection of their own, and no request
 * waits for another's exchange to take or release a lock. The pool keeps a connection open while
 * it holds locks ({@link DaemonConnection#holdsLocks()}); the daemon releases a lock by its token
 * over any connection, so a lock is released over whichever is free.
 *
 * <p>A connection whose exchange fails is closed, which releases every lock it holds in the
 * daemon (the daemon is frozen, gone or restarted, most likely); a lock it held then needs no
 * release. So is the connection that holds a lock whose release fails. Thread-safe.
 */
final class SharedLockConnections {

	private final DaemonClient client;

	SharedLockConnections(DaemonClient client) {
		this.client = client;
	}

	/**
	 * Ask for a lock over a pooled connection, by a deadline; a lock taken stays with that
	 * connection until it is released, or the connection closes.
	 * @param request the {@code LOCK} or {@code LOCK_FIND} request, without wait
	 * @param deadline the deadline, a {@link System#nanoTime()} value
	 * @param handler reads the answer: the lock taken, or {@code null} if it was not free
	 * @return the lock taken (or {@code null}), and the connection that holds it
	 * @throws InterruptedException if interrupted meanwhile
	 * @throws DaemonUnavailableException if no connection became free, or the daemon did not
	 * answer, in time
	 */
	Held lock(WireOutput request, long deadline,
			DaemonClient.ResponseHandler<@Nullable Locked> handler) throws InterruptedException {
		DaemonClient.Answer<@Nullable Locked> answer = this.client.exchange(request, deadline, deadline, handler);
		DaemonConnection connection = answer.connection();
		Locked locked = answer.value();
		if (locked != null) {
			// counted before the connection goes back, so the pool never closes it as idle
			connection.locks.incrementAndGet();
		}
		this.client.release(connection, true);
		return new Held(locked, (locked != null) ? connection : null);
	}

	/**
	 * Release a lock over a free pooled connection, by a deadline. Nothing is sent when the
	 * connection that holds it was closed meanwhile: closing it released the lock.
	 * @param held the lock, as {@link #lock} returned it
	 * @param request the {@code UNLOCK} request
	 * @param deadline the deadline, a {@link System#nanoTime()} value
	 * @param handler reads the answer
	 * @throws InterruptedException if interrupted meanwhile
	 * @throws DaemonUnavailableException if no connection became free, or the daemon did not
	 * answer, in time; the connection that holds the lock is then closed, which releases it
	 */
	void unlock(Held held, WireOutput request, long deadline,
			DaemonClient.ResponseHandler<?> handler) throws InterruptedException {
		DaemonConnection owner = held.connection();
		if (owner == null || owner.isClosed()) {
			return;
		}
		boolean released = false;
		try {
			DaemonClient.Answer<?> answer = this.client.exchange(request, deadline, deadline, handler);
			this.client.release(answer.connection(), true);
			released = true;
		}
		finally {
			forget(held);
			if (!released) {
				// the daemon releases the lock with the connection that holds it
				owner.close();
			}
		}
	}

	/**
	 * Forget a lock the daemon released already (a save released it, {@code SAVE_UNLOCK}),
	 * without a call.
	 * @param held the lock, as {@link #lock} returned it
	 */
	void forget(Held held) {
		DaemonConnection owner = held.connection();
		if (owner != null) {
			owner.locks.decrementAndGet();
		}
	}

	/**
	 * A lock taken over a pooled connection.
	 * @param locked the lock taken, or {@code null} if it was not free
	 * @param connection the connection that holds the lock, or {@code null} if none was taken
	 */
	record Held(@Nullable Locked locked, @Nullable DaemonConnection connection) {
	}

	/**
	 * A lock the daemon gave.
	 * @param token its token
	 * @param prefetched the session the daemon answered with it ({@code LOCK_FIND}), or
	 * {@code null} if it answered none
	 */
	record Locked(long token, DaemonHeldLocks.@Nullable Prefetched prefetched) {
	}

}
