package dev.sessionstarter.daemon.client;

import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.store.redis.FencedSaveException;

/**
 * The saves under a request lock that the daemon refused because the lock was no longer held
 * under their token ({@link Opcodes#LOCK_LOST}): its lease ended during the request, and another
 * may have taken the lock and saved since. Each is logged, counted, and thrown as a
 * {@link FencedSaveException}, as the redis store does.
 */
final class DaemonFencedSaves {

	private static final Log logger = LogFactory.getLog(DaemonSessionStore.class);

	private final LongAdder refused = new LongAdder();

	/**
	 * Read an {@code ERROR} answer to a save under a request lock.
	 * @param sessionId the session saved
	 * @param message the daemon's message
	 * @param opcode the save's opcode
	 * @return never
	 * @throws FencedSaveException if the daemon refused the save for a lost lock
	 * @throws IllegalStateException for any other error
	 */
	<T> T refused(String sessionId, String message, byte opcode) {
		if (!Opcodes.isLockLost(message)) {
			throw new IllegalStateException("The session daemon refused " + Opcodes.requestName(opcode) + ": "
					+ message);
		}
		this.refused.increment();
		FencedSaveException ex = new FencedSaveException(sessionId, "Refused to save session " + sessionId
				+ ": its request lock in the session daemon was lost before the save (its lease ended: the daemon's"
				+ " --lock-lease, or sessions.daemon.lock-retain for a retained lock), and another instance may"
				+ " have changed it since");
		logger.warn(ex.getMessage());
		throw ex;
	}

	long count() {
		return this.refused.sum();
	}

}
