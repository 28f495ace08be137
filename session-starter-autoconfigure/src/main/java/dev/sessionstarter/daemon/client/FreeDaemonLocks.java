package dev.sessionstarter.daemon.client;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireCodec;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;
import dev.sessionstarter.store.SessionRecord;

/**
 * How the daemon lock manager takes a free lock, without waiting, over a shared connection
 * ({@link SharedLockConnections}), and releases it. When the store shares the held locks
 * ({@link DaemonHeldLocks}), the lock is taken with the session it guards ({@code LOCK_FIND},
 * protocol version 3), or, when this process has a copy of the session, with that copy's
 * version, so that the daemon sends the session only if the copy is not current
 * ({@code LOCK_FIND_SINCE}, protocol version 5). An older daemon answers either as an unknown
 * operation: that is logged once, and the older request used from then on.
 */
final class FreeDaemonLocks {

	private static final Log logger = LogFactory.getLog(DaemonSessionLockManager.class);

	private static final DaemonResponseHandler<SharedLockConnections.@Nullable Locked> LOCK_ANSWER = (
			status, payload) -> {
		Long token = DaemonLockCalls.LOCK_ANSWER.handle(status, payload);
		return (token != null) ? new SharedLockConnections.Locked(token, null) : null;
	};

	private final DaemonClient client;

	private final SharedLockConnections shared;

	private final long leaseMillis;

	private final RetainingDaemonLocks retaining;

	private volatile boolean lockFind = true;

	private volatile boolean lockFindSince = true;

	FreeDaemonLocks(DaemonClient client, long leaseMillis) {
		this.client = client;
		this.shared = new SharedLockConnections(client);
		this.leaseMillis = leaseMillis;
		this.retaining = new RetainingDaemonLocks(client);
	}

	/**
	 * Take a lock if it is free.
	 * @param sessionId the session id
	 * @param heldLocks the locks shared with the store, or {@code null} if none are
	 * @return how to release it, or {@code null} if another process holds it
	 * @throws InterruptedException if interrupted meanwhile
	 * @throws DaemonUnavailableException if the daemon did not answer in time
	 */
	@Nullable Runnable lock(String sessionId, @Nullable DaemonHeldLocks heldLocks) throws InterruptedException {
		DaemonRetainedLocks retained = (heldLocks != null) ? heldLocks.retained() : null;
		long epoch = (retained != null) ? retained.epochIfUp() : -1;
		if (epoch >= 0) {
			Runnable release = this.retaining.lock(sessionId, heldLocks, retained, epoch);
			if (release != RetainingDaemonLocks.NOT_TAKEN) {
				return release;
			}
		}
		long sentAt = System.nanoTime();
		SharedLockConnections.Held free = lockFree(sessionId, heldLocks, DaemonLockCalls.deadline(this.client));
		SharedLockConnections.Locked locked = free.locked();
		if (locked == null) {
			return null;
		}
		if (heldLocks == null || locked.prefetched() == null) {
			return () -> unlock(sessionId, locked.token(), free);
		}
		HeldDaemonLock shared = new HeldDaemonLock(sessionId, locked.token(), locked.prefetched());
		shared.renewWith(sentAt, this.leaseMillis);
		heldLocks.add(shared);
		return () -> {
			heldLocks.remove(shared);
			RetainedDaemonLock retention = shared.retention();
			if (retention != null && retained != null) {
				// the daemon moved the lock from the connection to this process's client id
				this.shared.forget(free);
				retained.end(retention);
			}
			else if (shared.isReleasedBySave()) {
				this.shared.forget(free);
			}
			else {
				unlock(sessionId, locked.token(), free);
			}
		};
	}

	private SharedLockConnections.Held lockFree(String sessionId, @Nullable DaemonHeldLocks heldLocks,
			long deadline) throws InterruptedException {
		if (heldLocks != null && this.lockFind) {
			SessionRecord copy = this.lockFindSince ? heldLocks.copy(sessionId) : null;
			WireOutput request = WireOutput.frame((copy != null) ? Opcodes.LOCK_FIND_SINCE : Opcodes.LOCK_FIND)
				.writeString(sessionId)
				.writeLong(0)
				.writeLong(this.leaseMillis);
			try {
				if (copy != null) {
					request.writeLong(copy.version());
				}
				return remember(heldLocks, sessionId, copy,
						this.shared.lock(request, deadline,
								(status, payload) -> lockFindAnswer(status, payload, copy)));
			}
			catch (UnknownOperationException ex) {
				if (copy != null) {
					this.lockFindSince = false;
					logger.info("The session daemon at " + this.client.getAddress() + " predates protocol version 5 ("
							+ ex.getMessage() + "): a lock call answers the session even when this process has it");
					return lockFree(sessionId, heldLocks, deadline);
				}
				this.lockFind = false;
				logger.info("The session daemon at " + this.client.getAddress() + " predates protocol version 3 ("
						+ ex.getMessage() + "): a request with its lock takes four calls instead of two");
			}
		}
		return this.shared.lock(DaemonLockCalls.lockRequest(sessionId, 0, this.leaseMillis), deadline, LOCK_ANSWER);
	}

	/**
	 * Keep the session a lock call answered as this process's copy of it, unless it is the copy
	 * sent as current.
	 */
	static SharedLockConnections.Held remember(DaemonHeldLocks heldLocks, String sessionId,
			@Nullable SessionRecord copy, SharedLockConnections.Held held) {
		SharedLockConnections.Locked locked = held.locked();
		DaemonHeldLocks.Prefetched prefetched = (locked != null) ? locked.prefetched() : null;
		SessionRecord record = (prefetched != null) ? prefetched.record() : null;
		if (record == null && prefetched != null) {
			heldLocks.forgetCopy(sessionId);
		}
		else if (record != null && record != copy) {
			heldLocks.keepCopy(record);
		}
		return held;
	}

	static SharedLockConnections.@Nullable Locked lockFindAnswer(byte status, WireInput payload,
			@Nullable SessionRecord copy) throws ProtocolException {
		if (status == Opcodes.TIMEOUT) {
			return null;
		}
		if (status == Opcodes.ERROR) {
			String message = payload.readString();
			if (Opcodes.isUnknownOperation(message)) {
				throw new UnknownOperationException(message);
			}
			throw new IllegalStateException("The session daemon refused LOCK_FIND: " + message);
		}
		DaemonAnswers.expect(Opcodes.OK, status, payload, Opcodes.LOCK_FIND);
		long token = payload.readLong();
		byte found = payload.readByte();
		DaemonHeldLocks.Prefetched prefetched = switch (found) {
			case Opcodes.FOUND_NONE -> new DaemonHeldLocks.Prefetched(null);
			case Opcodes.FOUND_RECORD -> new DaemonHeldLocks.Prefetched(WireCodec.readRecord(payload));
			case Opcodes.FOUND_NOT_SENT -> null;
			case Opcodes.FOUND_CURRENT -> {
				if (copy == null) {
					throw new ProtocolException("LOCK_FIND answered that a copy it was not sent is current");
				}
				yield new DaemonHeldLocks.Prefetched(copy);
			}
			default -> throw new ProtocolException("Unknown LOCK_FIND answer " + found);
		};
		payload.requireEnd();
		return new SharedLockConnections.Locked(token, prefetched);
	}

	/**
	 * Release a lock over the connection that holds it. If the daemon cannot be told, the
	 * connection is closed, which releases the lock in the daemon all the same.
	 */
	private void unlock(String sessionId, long token, SharedLockConnections.Held held) {
		try {
			this.shared.unlock(held, sessionId, token, DaemonLockCalls.deadline(this.client),
					DaemonLockCalls.unlockAnswer(sessionId));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			DaemonLockCalls.releaseFailed(sessionId, ex);
		}
	}

	/**
	 * An older daemon's answer to an operation it does not know.
	 */
	static final class UnknownOperationException extends IllegalStateException {

		UnknownOperationException(String message) {
			super(message);
		}

	}

}
