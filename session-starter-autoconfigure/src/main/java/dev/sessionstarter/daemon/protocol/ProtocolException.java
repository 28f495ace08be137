package dev.sessionstarter.daemon.protocol;

import java.io.IOException;

/**
 * Thrown when bytes on a daemon connection do not form a valid frame or payload: a length
 * outside the bounds, a truncated frame, an unknown opcode or a malformed field. The side
 * that sees it closes the connection.
 */
public class ProtocolException extends IOException {

	/**
	 * Create an exception.
	 * @param message what was wrong
	 */
	public ProtocolException(String message) {
		super(message);
	}

}
