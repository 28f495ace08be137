package dev.sessionstarter.daemon.client;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.WireOutput;
import dev.sessionstarter.store.SessionRecord;

/**
 * How the daemon lock manager takes a free lock when it retains locks ({@code LOCK_RETAIN},
 * protocol version 6): the lock is owned by this process's client id from the start, with the
 * retention as its lease, and is retained after the request whether or not it saved, so that a
 * session read without writes still costs no call for half the retention. The daemon answers
 * the session with it, unless this process's copy is current. No connection holds the lock, so
 * it is taken over any pooled connection, which goes back at once.
 */
final class RetainingDaemonLocks {

	private static final Log logger = LogFactory.getLog(DaemonSessionLockManager.class);

	private final DaemonClient client;

	private volatile boolean known = true;

	RetainingDaemonLocks(DaemonClient client) {
		this.client = client;
	}

	/**
	 * Take a free lock, retained, if the daemon knows how.
	 * @param sessionId the session id
	 * @param heldLocks the locks shared with the store
	 * @param retained the locks retained
	 * @param epoch the notice connection's epoch, not negative
	 * @return how to release it, {@code null} if another holds it, or {@link #NOT_TAKEN} if the
	 * daemon does not know {@code LOCK_RETAIN}
	 * @throws DaemonUnavailableException if the daemon did not answer in time
	 */
	@Nullable Runnable lock(String sessionId, DaemonHeldLocks heldLocks, DaemonRetainedLocks retained, long epoch) {
		if (!this.known) {
			return NOT_TAKEN;
		}
		SessionRecord copy = heldLocks.copy(sessionId);
		WireOutput request = WireOutput.frame(Opcodes.LOCK_RETAIN)
			.writeString(sessionId)
			.writeLong(0)
			.writeLong(retained.retainMillis())
			.writeLong(retained.clientId())
			.writeLong((copy != null) ? copy.version() : -1);
		long sentAt = System.nanoTime();
		SharedLockConnections.Locked locked;
		try {
			locked = this.client.call(request,
					(status, payload) -> FreeDaemonLocks.lockFindAnswer(status, payload, copy));
		}
		catch (FreeDaemonLocks.UnknownOperationException ex) {
			this.known = false;
			logger.info("The session daemon at " + this.client.getAddress() + " does not know LOCK_RETAIN ("
					+ ex.getMessage() + "): locks are retained only after a save");
			return NOT_TAKEN;
		}
		if (locked == null) {
			return null;
		}
		FreeDaemonLocks.remember(heldLocks, sessionId, copy, new SharedLockConnections.Held(locked, null));
		DaemonHeldLocks.Prefetched prefetched = locked.prefetched();
		RetainedDaemonLock retention = retained.retained(sessionId, locked.token(),
				(prefetched != null) ? prefetched.record() : null, sentAt, epoch);
		if (prefetched == null) {
			// the session was not sent with the lock: nothing to trust, released after the request
			retention.want();
		}
		HeldDaemonLock held = new HeldDaemonLock(sessionId, locked.token(), prefetched, retention);
		heldLocks.add(held);
		return retained.releaseOf(heldLocks, held);
	}

	/**
	 * What {@link #lock} returns when the daemon does not know {@code LOCK_RETAIN}.
	 */
	static final Runnable NOT_TAKEN = () -> {
	};

}
