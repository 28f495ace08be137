package dev.sessionstarter.daemon.client;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.WireOutput;

/**
 * The few connections of a {@link DaemonClient} that the daemon lock manager takes free locks
 * and releases them over. The daemon's lock owner is a connection, and one connection may hold
 * any number of locks, so locks held by any number of requests keep at most {@code size}
 * connections open. Each connection carries one exchange at a time; a lock is asked for on
 * whichever is free, and released over the connection that took it. A shared connection that
 * holds no lock goes back to the client's pool.
 *
 * <p>A connection whose exchange fails is closed, which releases every lock it holds in the
 * daemon (the daemon is frozen, gone or restarted, most likely), and the next exchange on it
 * connects again. Like {@link DaemonClient#exchange}, an exchange that fails on a reused
 * connection before any answer is retried once on a new one within the same deadline.
 * Thread-safe.
 */
final class SharedLockConnections implements AutoCloseable {

	private final DaemonClient client;

	private final Slot[] slots;

	private final AtomicInteger next = new AtomicInteger();

	SharedLockConnections(DaemonClient client, int size) {
		this.client = client;
		this.slots = new Slot[size];
		for (int i = 0; i < size; i++) {
			this.slots[i] = new Slot();
		}
	}

	/**
	 * Ask for a lock on a free shared connection, by a deadline; a lock taken stays with that
	 * connection until {@link #unlock}.
	 * @param request the {@code LOCK} or {@code LOCK_FIND} request
	 * @param deadline the deadline, a {@link System#nanoTime()} value
	 * @param handler reads the answer: the lock taken, or {@code null} if it was not free
	 * @return the lock taken (or {@code null}), and the connection that holds it
	 * @throws InterruptedException if interrupted meanwhile
	 * @throws DaemonUnavailableException if no connection became free, or the daemon did not
	 * answer, in time
	 */
	Held lock(WireOutput request, long deadline, DaemonClient.ResponseHandler<@Nullable Locked> handler)
			throws InterruptedException {
		Slot slot = takeAny(deadline, request.opcode());
		try {
			Locked locked = slot.exchange(request, deadline, handler, true);
			DaemonConnection connection = slot.connection;
			if (locked != null && connection != null) {
				slot.locks++;
				return new Held(locked, slot, connection);
			}
			slot.giveBackIfUnused();
			return new Held(null, slot, null);
		}
		finally {
			slot.guard.unlock();
		}
	}

	/**
	 * Release a lock over the shared connection that holds it, by a deadline. Nothing is sent
	 * when that connection was closed meanwhile: closing it released the lock. If the exchange
	 * fails, the connection is closed, which releases the lock all the same.
	 * @param held the lock, as {@link #lock} returned it
	 * @param request the {@code UNLOCK} request
	 * @param deadline the deadline, a {@link System#nanoTime()} value
	 * @param handler reads the answer
	 * @throws InterruptedException if interrupted meanwhile
	 * @throws DaemonUnavailableException if the connection did not become free, or the daemon
	 * did not answer, in time
	 */
	void unlock(Held held, WireOutput request, long deadline, DaemonClient.ResponseHandler<?> handler)
			throws InterruptedException {
		Slot slot = take(held.slot(), deadline, request.opcode());
		try {
			if (slot.connection != held.connection()) {
				return;
			}
			slot.exchange(request, deadline, handler, false);
			slot.locks--;
			slot.giveBackIfUnused();
		}
		finally {
			slot.guard.unlock();
		}
	}

	/**
	 * Forget a lock the daemon released already (a save released it, {@code SAVE_UNLOCK}),
	 * without a call: its connection goes back to the pool when it holds no other lock.
	 * @param held the lock, as {@link #lock} returned it
	 */
	void forget(Held held) {
		Slot slot = held.slot();
		slot.guard.lock();
		try {
			if (slot.connection == held.connection()) {
				slot.locks--;
				slot.giveBackIfUnused();
			}
		}
		finally {
			slot.guard.unlock();
		}
	}

	private Slot takeAny(long deadline, byte opcode) throws InterruptedException {
		int start = this.next.getAndIncrement();
		for (int i = 0; i < this.slots.length; i++) {
			Slot slot = this.slots[Math.floorMod(start + i, this.slots.length)];
			if (slot.guard.tryLock()) {
				return slot;
			}
		}
		return take(this.slots[Math.floorMod(start, this.slots.length)], deadline, opcode);
	}

	private Slot take(Slot slot, long deadline, byte opcode) throws InterruptedException {
		if (slot.guard.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
			return slot;
		}
		throw this.client.failure(opcode, null, new IOException(
				"all " + this.slots.length + " lock connections are busy and none became free in time"));
	}

	/**
	 * Return how many shared connections are open now.
	 * @return the open connections
	 */
	int openConnections() {
		int open = 0;
		for (Slot slot : this.slots) {
			open += (slot.connection != null) ? 1 : 0;
		}
		return open;
	}

	/**
	 * Close every shared connection, which releases the locks they hold.
	 */
	@Override
	public void close() {
		for (Slot slot : this.slots) {
			slot.guard.lock();
			try {
				slot.drop();
			}
			finally {
				slot.guard.unlock();
			}
		}
	}

	/**
	 * A lock taken over a shared connection.
	 * @param locked the lock taken, or {@code null} if it was not free
	 * @param slot the shared connection's slot
	 * @param connection the connection that holds the lock, or {@code null} if none was taken
	 */
	record Held(@Nullable Locked locked, Slot slot, @Nullable DaemonConnection connection) {
	}

	/**
	 * A lock the daemon gave.
	 * @param token its token
	 * @param prefetched the session the daemon answered with it ({@code LOCK_FIND}), or
	 * {@code null} if it answered none
	 */
	record Locked(long token, DaemonHeldLocks.@Nullable Prefetched prefetched) {
	}

	/**
	 * One shared connection, open while it holds locks: used by the thread that holds its guard.
	 */
	final class Slot {

		final ReentrantLock guard = new ReentrantLock(true);

		@Nullable DaemonConnection connection;

		/**
		 * How many locks its connection holds.
		 */
		int locks;

		<T> T exchange(WireOutput request, long deadline, DaemonClient.ResponseHandler<T> handler, boolean retry)
				throws InterruptedException {
			DaemonClient client = SharedLockConnections.this.client;
			byte opcode = request.opcode();
			for (int attempt = 0;; attempt++) {
				DaemonConnection connection = this.connection;
				if (connection == null) {
					connection = client.borrow(deadline, deadline, opcode);
					this.connection = connection;
				}
				else {
					connection.reused = true;
					connection.answered = false;
				}
				try {
					return connection.exchange(request, deadline, handler);
				}
				catch (ClosedByInterruptException ex) {
					drop();
					Thread.interrupted();
					InterruptedException interrupted = new InterruptedException("Interrupted while waiting for the "
							+ "session daemon at " + client.getAddress() + " to answer " + Opcodes.requestName(opcode));
					interrupted.initCause(ex);
					throw interrupted;
				}
				catch (IOException ex) {
					drop();
					if (retry && attempt == 0 && DaemonClient.worthRetrying(connection, ex, deadline)) {
						continue;
					}
					throw client.failure(opcode, connection, ex);
				}
				catch (RuntimeException ex) {
					if (!connection.answered) {
						drop();
					}
					throw ex;
				}
			}
		}

		/**
		 * Give the connection back to the client's pool when it holds no lock.
		 */
		void giveBackIfUnused() {
			DaemonConnection connection = this.connection;
			if (connection != null && this.locks == 0) {
				this.connection = null;
				SharedLockConnections.this.client.release(connection, true);
			}
		}

		/**
		 * Close the connection, if any; the daemon releases the locks it holds.
		 */
		void drop() {
			DaemonConnection connection = this.connection;
			this.locks = 0;
			if (connection != null) {
				this.connection = null;
				SharedLockConnections.this.client.release(connection, false);
			}
		}

	}

}
