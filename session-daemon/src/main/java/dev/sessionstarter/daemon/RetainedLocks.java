package dev.sessionstarter.daemon;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;

/**
 * Request locks that clients retain between their requests (protocol version 6). A save
 * ({@code SAVE_RETAIN}) hands the request lock to its client's {@link Retainer}, with the
 * retention as its lease, and the client trusts the lock and the record the save answered
 * until it is told otherwise or half the retention has passed. So that no change slips under
 * that trusted copy:
 * <ul>
 * <li>another that asks for the lock tells the holder, which releases it
 * ({@link LockTable#acquire}, {@code WANTED});</li>
 * <li>a write without the request lock ({@code SAVE}, {@code DELETE}, {@code DELETE_IF_EXPIRED})
 * by any other connection than the holder's own client waits for the lock, as a waiter, at most
 * {@link #OUTSIDE_WRITE_WAIT_MILLIS}, and is refused with an {@code ERROR} if the holder did not
 * release it by then (it is stopped, or its request runs long);</li>
 * <li>a session the store removes on its own (purge, eviction) while a client retains its lock is
 * noted as wanted, so the client stops trusting its copy.</li>
 * </ul>
 * The save and the hand-over of the lock run under the lock's guard ({@link LockedSaves}), as does
 * every write without the lock, so no such write lands between the record a save answers and the
 * hand-over.
 */
final class RetainedLocks {

	/**
	 * The longest a write without the request lock waits for a client to release the lock it retains.
	 */
	static final long OUTSIDE_WRITE_WAIT_MILLIS = 1000;

	/**
	 * The longest a {@code WANTED} waits before it answers that nothing is wanted.
	 */
	static final long MAX_WANTED_WAIT_MILLIS = 30_000;

	/**
	 * The most clients that may retain locks at once.
	 */
	static final int MAX_RETAINERS = 4096;

	private static final int MAX_WANTED_PER_ANSWER = 1000;

	private final ConcurrentHashMap<Long, Retainer> retainers = new ConcurrentHashMap<>();

	private final LockTable locks;

	RetainedLocks(LockTable locks) {
		this.locks = locks;
	}

	/**
	 * Return the record of a client that retains locks, made if there is none.
	 * @param clientId the client id
	 * @return the record, its use noted
	 * @throws IllegalStateException if there are {@link #MAX_RETAINERS} already (the daemon
	 * answers {@code ERROR})
	 */
	Retainer retainer(long clientId) {
		Retainer retainer = retainerIfRoom(clientId);
		if (retainer == null) {
			throw new IllegalStateException("Too many clients retain locks in this daemon (at most " + MAX_RETAINERS
					+ "); client " + clientId + " cannot retain any until others go away (a client that holds no"
					+ " lock and has not asked WANTED for " + MAX_WANTED_WAIT_MILLIS + "ms is forgotten)");
		}
		return retainer;
	}

	/**
	 * Return the record of a client that retains locks, made if there is none and there is room.
	 * @param clientId the client id
	 * @return the record, its use noted, or {@code null} if there are {@link #MAX_RETAINERS} already
	 */
	@Nullable Retainer retainerIfRoom(long clientId) {
		return this.retainers.compute(clientId, (id, known) -> (known != null) ? known.touch()
				: (this.retainers.size() < MAX_RETAINERS) ? new Retainer(id) : null);
	}

	/**
	 * Release the retained locks whose lease ended, and forget the clients that seem gone: a
	 * client that went away without releasing its locks would otherwise leave them, and its
	 * record, until someone asks for them. Run by the daemon's maintenance thread.
	 */
	void expireEnded() {
		long now = System.nanoTime();
		long idleNanos = TimeUnit.MILLISECONDS.toNanos(MAX_WANTED_WAIT_MILLIS);
		for (Retainer retainer : this.retainers.values()) {
			for (String id : retainer.owner.held) {
				IdLock.Holder holder = this.locks.holder(id);
				if (holder != null && holder.owner() == retainer.owner && now - holder.leaseEnd() >= 0) {
					// the guard expires the lease; giving it back forgets the id if nobody waits
					this.locks.unguard(this.locks.guarded(id));
				}
			}
			this.retainers.computeIfPresent(retainer.clientId,
					(id, known) -> known.idle(now, idleNanos) ? null : known);
		}
	}

	/**
	 * Make a write without the request lock, waiting first, as a waiter, for another client to
	 * release the lock it retains on that session.
	 * @param id the session id written
	 * @param writer the connection writing
	 * @param write the write
	 * @return its answer, or an {@code ERROR} if the lock was not released in time
	 * @throws InterruptedException if the daemon stops meanwhile
	 */
	WireOutput outsideRequest(String id, LockOwner writer, Supplier<WireOutput> write)
			throws InterruptedException {
		IdLock lock = this.locks.guarded(id);
		try {
			IdLock.Holder holder = lock.holder;
			Retainer retainer = (holder != null) ? holder.owner().retainer : null;
			if (retainer == null || retainer.clientId == writer.clientId) {
				return write.get();
			}
			long wait = TimeUnit.MILLISECONDS.toNanos(OUTSIDE_WRITE_WAIT_MILLIS);
			long token = this.locks.acquire(lock, writer, System.nanoTime() + wait, 2 * wait);
			if (token == 0) {
				return RequestHandler.error("Session " + id + " is retained by another client's request lock, "
						+ "which was not released within " + OUTSIDE_WRITE_WAIT_MILLIS + "ms; try again");
			}
			try {
				return write.get();
			}
			finally {
				IdLock.Holder now = lock.holder;
				if (now != null && now.token() == token) {
					this.locks.release(lock);
				}
			}
		}
		finally {
			this.locks.unguard(lock);
		}
	}

	/**
	 * Release a lock ({@code UNLOCK}, {@code UNLOCK_QUIET}); when a client retains it and the
	 * connection is not that client's, tell the client, so that it stops trusting its copy.
	 * @param id the session id
	 * @param token the lock's token
	 * @param by the connection releasing it
	 * @return {@code false} if that lock is not held any more
	 */
	boolean unlock(String id, long token, LockOwner by) {
		IdLock.Holder holder = this.locks.holder(id);
		boolean released = this.locks.unlock(id, token);
		Retainer retainer = (holder != null && holder.token() == token) ? holder.owner().retainer : null;
		if (released && retainer != null && retainer.clientId != by.clientId) {
			retainer.want(id, token);
		}
		return released;
	}

	/**
	 * A connection ended because the client's side closed it (end of stream, reset, broken pipe),
	 * not the daemon: if it was a client's notice connection, release every lock that client
	 * retains ({@link Retainer#closedByClient}).
	 * @param connection the connection's locks
	 */
	void closedByClient(LockOwner connection) {
		Retainer retainer = connection.noticesOf;
		if (retainer != null) {
			retainer.closedByClient(connection, () -> this.locks.releaseAll(retainer.owner));
		}
	}

	/**
	 * Answer {@code WANTED}: the locks of a client that others want, once there are some or
	 * after the wait. The connection becomes the client's notice connection
	 * ({@link Retainer#asksOn}).
	 * @param request the rest of the frame after the opcode
	 * @param connection the connection asking
	 * @return the answer
	 * @throws ProtocolException if the payload is malformed
	 * @throws InterruptedException if the daemon stops meanwhile
	 */
	WireOutput wanted(WireInput request, LockOwner connection) throws ProtocolException, InterruptedException {
		long clientId = request.readLong();
		long waitMillis = request.readLong();
		request.requireEnd();
		if (clientId == 0) {
			throw new ProtocolException("WANTED needs a client id");
		}
		Retainer retainer = retainer(clientId);
		retainer.asksOn(connection);
		Map<String, Long> wanted = retainer.take(Math.min(waitMillis, MAX_WANTED_WAIT_MILLIS),
				MAX_WANTED_PER_ANSWER);
		WireOutput answer = WireOutput.frame(Opcodes.OK).writeInt(wanted.size());
		wanted.forEach((id, token) -> answer.writeString(id).writeLong(token));
		return answer;
	}

	/**
	 * Tell the client that retains the lock of a session the store removed on its own (purge,
	 * eviction) to stop trusting its copy.
	 * @param id the session id
	 */
	void removed(String id) {
		IdLock.Holder holder = this.locks.holder(id);
		Retainer retainer = (holder != null) ? holder.owner().retainer : null;
		if (retainer != null) {
			retainer.want(id, holder.token());
		}
	}

}
