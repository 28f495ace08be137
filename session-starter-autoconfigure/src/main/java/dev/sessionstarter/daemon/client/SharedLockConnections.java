package dev.sessionstarter.daemon.client;

import java.io.IOException;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.Opcodes;
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
	Held lock(WireOutput request, long deadline, DaemonResponseHandler<@Nullable Locked> handler)
			throws InterruptedException {
		DaemonCalls.Answer<@Nullable Locked> answer = this.client.calls()
			.exchange(request, deadline, deadline, handler);
		DaemonConnection connection = answer.connection();
		Locked locked = answer.value();
		if (locked != null) {
			// counted before the connection goes back, so the pool never closes it as idle
			connection.locks.incrementAndGet();
		}
		this.client.calls().release(connection, true);
		return new Held(locked, (locked != null) ? connection : null);
	}

	/**
	 * Release a lock, by a deadline: without waiting for an answer ({@code UNLOCK_QUIET}) over
	 * the connection that holds it when that one is idle and its daemon speaks protocol version
	 * 4, else with an answer ({@code UNLOCK}) over a free pooled connection. Nothing is sent when
	 * the connection that holds it was closed meanwhile: closing it released the lock.
	 * @param held the lock, as {@link #lock} returned it
	 * @param sessionId the id the lock is on
	 * @param token its token
	 * @param deadline the deadline, a {@link System#nanoTime()} value
	 * @param handler reads the answer to {@code UNLOCK}
	 * @throws InterruptedException if interrupted meanwhile
	 * @throws DaemonUnavailableException if no connection became free, or the daemon did not
	 * answer, in time; the connection that holds the lock is then closed, which releases it
	 */
	void unlock(Held held, String sessionId, long token, long deadline, DaemonResponseHandler<?> handler)
			throws InterruptedException {
		DaemonConnection owner = held.connection();
		if (owner == null || owner.isClosed()) {
			return;
		}
		boolean released = false;
		try {
			if (unlockQuietly(owner, sessionId, token, deadline)) {
				released = true;
				return;
			}
			WireOutput request = WireOutput.frame(Opcodes.UNLOCK).writeString(sessionId).writeLong(token);
			DaemonCalls.Answer<?> answer = this.client.calls().exchange(request, deadline, deadline, handler);
			this.client.calls().release(answer.connection(), true);
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
	 * Send {@code UNLOCK_QUIET} over the connection that holds the lock, if it is idle and its
	 * daemon speaks protocol version 4 (asked once a connection with {@code HELLO}). Sent over
	 * the holder, it cannot be lost unseen: the daemon keeps that connection while the lease
	 * runs, and closing it releases the lock; if the send fails, the connection is closed.
	 * @return whether the lock is released (sent, or its connection closed)
	 */
	private boolean unlockQuietly(DaemonConnection owner, String sessionId, long token, long deadline) {
		if (!this.client.calls().borrowIdle(owner)) {
			return false;
		}
		boolean healthy = false;
		try {
			if (owner.protocolVersion(deadline) < Opcodes.UNLOCK_QUIET_VERSION) {
				healthy = true;
				return false;
			}
			owner.send(WireOutput.frame(Opcodes.UNLOCK_QUIET).writeString(sessionId).writeLong(token), deadline);
			healthy = true;
			return true;
		}
		catch (IOException ex) {
			return true;
		}
		finally {
			this.client.calls().release(owner, healthy);
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
