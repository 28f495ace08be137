package dev.sessionstarter.daemon.client;

import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;

/**
 * The lock requests and answers that {@link FreeDaemonLocks} and {@link WaitedDaemonLocks} share:
 * {@code LOCK} and {@code UNLOCK}, and the deadline of one call.
 */
final class DaemonLockCalls {

	private static final Log logger = LogFactory.getLog(DaemonSessionLockManager.class);

	/**
	 * Reads the answer to {@code LOCK}: the token, or {@code null} if the lock was not free.
	 */
	static final DaemonResponseHandler<@Nullable Long> LOCK_ANSWER = DaemonLockCalls::token;

	private DaemonLockCalls() {
	}

	static WireOutput lockRequest(String sessionId, long waitNanos, long leaseMillis) {
		return WireOutput.frame(Opcodes.LOCK)
			.writeString(sessionId)
			.writeLong(TimeUnit.NANOSECONDS.toMillis(waitNanos))
			.writeLong(leaseMillis);
	}

	private static @Nullable Long token(byte status, WireInput payload) throws ProtocolException {
		if (status == Opcodes.TIMEOUT) {
			return null;
		}
		DaemonAnswers.expect(Opcodes.OK, status, payload, Opcodes.LOCK);
		return payload.readLong();
	}

	static WireOutput unlockRequest(String sessionId, long token) {
		return WireOutput.frame(Opcodes.UNLOCK).writeString(sessionId).writeLong(token);
	}

	/**
	 * Read the answer to {@code UNLOCK}, warning when the lock had been released already.
	 */
	static DaemonResponseHandler<@Nullable Void> unlockAnswer(String sessionId) {
		return (status, payload) -> {
			if (status == Opcodes.NOT_FOUND) {
				logger.warn("The lock on session " + sessionId + " had already been released by the daemon: "
						+ "its lease ran out, or the connection that held it failed");
				return null;
			}
			DaemonAnswers.expect(Opcodes.OK, status, payload, Opcodes.UNLOCK);
			return null;
		};
	}

	/**
	 * Log a release the daemon could not be told of.
	 */
	static void releaseFailed(String sessionId, Exception ex) {
		logger.debug("Could not release the lock on session " + sessionId
				+ " in the daemon; closing its connection releases it", ex);
	}

	/**
	 * Release a lock by its token over any pooled connection (a lock no connection holds: one a
	 * client retains), not minding whether it was still held.
	 * @param client the client, or {@code null} if there is none yet
	 * @return whether the daemon answered
	 */
	static boolean unlockByToken(@Nullable DaemonClient client, String sessionId, long token) {
		if (client == null) {
			return true;
		}
		try {
			client.call(unlockRequest(sessionId, token), (status, payload) -> null);
			return true;
		}
		catch (RuntimeException ex) {
			releaseFailed(sessionId, ex);
			return false;
		}
	}

	static long deadline(DaemonClient client) {
		return System.nanoTime() + client.getTimeout().toNanos();
	}

}
