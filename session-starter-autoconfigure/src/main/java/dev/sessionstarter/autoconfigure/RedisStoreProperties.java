package dev.sessionstarter.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the {@code redis} store ({@code sessions.redis.*}). The connection
 * itself is Spring Boot's ({@code spring.data.redis.*}), or the application's own
 * {@code RedisConnectionFactory}.
 */
@ConfigurationProperties("sessions.redis")
public class RedisStoreProperties {

	static final String DEFAULT_NAMESPACE = "sessions";

	private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

	private static final Duration DEFAULT_LOCK_LEASE = Duration.ofSeconds(30);

	/**
	 * Prefix of every key the store writes, such as 'sessions:{<id>}' for a session's hash.
	 */
	private String namespace = DEFAULT_NAMESPACE;

	/**
	 * Longest one call to Redis may take, whatever the client's own command timeout; a call that
	 * takes longer fails with a RedisUnavailableException naming Redis.
	 */
	private Duration timeout = DEFAULT_TIMEOUT;

	/**
	 * How long a Redis request lock stays held when its holder stops renewing it (the Redis lock
	 * manager's lease).
	 */
	private Duration lockLease = DEFAULT_LOCK_LEASE;

	/**
	 * How long an instance keeps a session's Redis request lock after a request that saved it, so
	 * that the session's next request there takes it without a round trip and a memoized cache
	 * uses its copy without asking Redis; 0 to release every lock at the end of its request.
	 * Another instance that wants the lock asks the holder to release it, and waits up to this
	 * long if the holder is stopped. At least 1s when set; needs a Redis that does not evict keys.
	 */
	private Duration lockRetain = Duration.ZERO;

	public String getNamespace() {
		return this.namespace;
	}

	public void setNamespace(String namespace) {
		this.namespace = namespace;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public Duration getLockLease() {
		return this.lockLease;
	}

	public void setLockLease(Duration lockLease) {
		this.lockLease = lockLease;
	}

	public Duration getLockRetain() {
		return this.lockRetain;
	}

	public void setLockRetain(Duration lockRetain) {
		this.lockRetain = lockRetain;
	}

}
