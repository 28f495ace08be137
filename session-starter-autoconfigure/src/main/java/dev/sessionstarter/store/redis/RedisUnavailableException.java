package dev.sessionstarter.store.redis;

import dev.sessionstarter.store.StoreUnavailableException;

/**
 * Thrown when Redis cannot be reached or does not answer a call of the store within its
 * deadline ({@code sessions.redis.timeout}). The message names the Redis address and the call;
 * the connection reconnects by itself, so later calls succeed again once Redis is back.
 */
public class RedisUnavailableException extends StoreUnavailableException {

	private final String address;

	/**
	 * Create an exception.
	 * @param address the Redis address, as {@link RedisCalls#address()} describes it
	 * @param message what failed
	 * @param cause the underlying failure, if any
	 */
	public RedisUnavailableException(String address, String message, Throwable cause) {
		super(message, cause);
		this.address = address;
	}

	/**
	 * Return the address of the Redis that failed.
	 * @return the address
	 */
	public String getAddress() {
		return this.address;
	}

}
