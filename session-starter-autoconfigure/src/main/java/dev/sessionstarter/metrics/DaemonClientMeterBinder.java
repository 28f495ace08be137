package dev.sessionstarter.metrics;

import java.util.Map;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.util.Assert;

import dev.sessionstarter.daemon.client.DaemonClient;

/**
 * Binds the meters of session daemon clients: {@link SessionMeterNames#DAEMON_ERRORS},
 * {@link SessionMeterNames#DAEMON_CONNECTS} and {@link SessionMeterNames#DAEMON_CONNECTIONS},
 * each tagged {@code client} (the client's bean name) and {@code address}.
 */
public class DaemonClientMeterBinder implements MeterBinder {

	private final Map<String, DaemonClient> clients;

	/**
	 * Create a binder.
	 * @param clients the clients by name
	 */
	public DaemonClientMeterBinder(Map<String, DaemonClient> clients) {
		Assert.notNull(clients, "'clients' must not be null");
		this.clients = Map.copyOf(clients);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.clients.forEach((name, client) -> {
			Tags tags = Tags.of(SessionMeterNames.TAG_CLIENT, name, SessionMeterNames.TAG_ADDRESS,
					client.getAddress().toString());
			FunctionCounter.builder(SessionMeterNames.DAEMON_ERRORS, client, DaemonClient::getErrorCount)
				.tags(tags)
				.description("Calls to the session daemon that failed or timed out")
				.register(registry);
			FunctionCounter.builder(SessionMeterNames.DAEMON_CONNECTS, client, DaemonClient::getConnectCount)
				.tags(tags)
				.description("Connections made to the session daemon")
				.register(registry);
			Gauge.builder(SessionMeterNames.DAEMON_CONNECTIONS, client, DaemonClient::getOpenConnections)
				.tags(tags)
				.baseUnit("connections")
				.description("Connections to the session daemon open now")
				.register(registry);
		});
	}

}
