package dev.sessionstarter.actuate.health;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.util.Assert;

import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.protocol.DaemonStats;

/**
 * A {@link HealthIndicator} for the session daemon: up, with the daemon's statistics, when it
 * answers within the client's timeout; down, with the reason, when it does not.
 */
public class SessionDaemonHealthIndicator extends AbstractHealthIndicator {

	private final DaemonClient client;

	/**
	 * Create an indicator.
	 * @param client the client of the daemon
	 */
	public SessionDaemonHealthIndicator(DaemonClient client) {
		super("Session daemon health check failed");
		Assert.notNull(client, "'client' must not be null");
		this.client = client;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("address", this.client.getAddress().toString());
		DaemonStats stats = this.client.stats();
		builder.up()
			.withDetail("mode", stats.mode())
			.withDetail("sessions", stats.sessions())
			.withDetail("bytes", stats.bytes())
			.withDetail("maxBytes", stats.maxBytes())
			.withDetail("locks", stats.locks())
			.withDetail("connections", stats.connections())
			.withDetail("uptimeMillis", stats.uptimeMillis())
			.withDetail("persistent", stats.persistent())
			.withDetail("clientErrors", this.client.getErrorCount());
	}

}
