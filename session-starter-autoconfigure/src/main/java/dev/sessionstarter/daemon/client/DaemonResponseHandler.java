package dev.sessionstarter.daemon.client;

import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireInput;

/**
 * Reads the daemon's answer to one request ({@link DaemonClient#call}).
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface DaemonResponseHandler<T> {

	/**
	 * Read an answer.
	 * @param status the status byte
	 * @param payload the rest of the frame
	 * @return the result
	 * @throws ProtocolException if the answer is malformed
	 */
	T handle(byte status, WireInput payload) throws ProtocolException;

}
