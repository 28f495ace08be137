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

}
