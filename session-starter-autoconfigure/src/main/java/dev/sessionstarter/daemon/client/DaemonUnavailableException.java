package dev.sessionstarter.daemon.client;

import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.store.StoreUnavailableException;

/**
 * Thrown when the session daemon cannot be reached or does not answer within the client's
 * timeout. The message names the address and what failed; the client reconnects by itself on
 * a later call once the daemon is back.
 */
public class DaemonUnavailableException extends StoreUnavailableException {

	private final DaemonAddress address;

	/**
	 * Create an exception.
	 * @param address the daemon's address
	 * @param message what failed
	 * @param cause the underlying failure, if any
	 */
	public DaemonUnavailableException(DaemonAddress address, String message, Throwable cause) {
		super(message, cause);
		this.address = address;
	}

	/**
	 * Return the address of the daemon that failed.
	 * @return the address
	 */
	public DaemonAddress getAddress() {
		return this.address;
	}

}
