package dev.sessionstarter.store;

/**
 * Thrown when the process that keeps the sessions (the session daemon, Redis) cannot be reached
 * or does not answer within the store's deadline. The message names its address and the call
 * that failed; the store reconnects by itself, so later calls succeed once it is back. The lock
 * filter answers a request whose lock could not be asked for with {@code 503 Service
 * Unavailable}.
 */
public class StoreUnavailableException extends RuntimeException {

	/**
	 * Create an exception.
	 * @param message what failed, naming the address
	 * @param cause the underlying failure, if any
	 */
	public StoreUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
