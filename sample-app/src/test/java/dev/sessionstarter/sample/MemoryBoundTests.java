package dev.sessionstarter.sample;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.sessionstarter.metrics.SessionMeterNames;
import dev.sessionstarter.sample.SampleClient.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives the sample far past a small memory bound (64KB, about a hundred sessions) with
 * thousands of simulated users, each with its own session cookie and cart, and checks through
 * the actuator that the store stays within the bound, counts its evictions, and keeps the
 * newest sessions working.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sessions.memory.max-size=64KB")
class MemoryBoundTests {

	private static final long MAX_BYTES = 64 * 1024;

	private static final int USERS = 3000;

	private static final int NEWEST = 20;

	@LocalServerPort
	private int port;

	@Test
	void storeStaysWithinItsBoundFarPastItAndKeepsTheNewestSessions() {
		SampleClient client = new SampleClient(this.port);
		List<String> cookies = new ArrayList<>(USERS);
		for (int user = 0; user < USERS; user++) {
			Response added = client.post("/cart?item=item-" + user, null);
			assertThat(added.status()).isEqualTo(200);
			String cookie = added.setCookie();
			assertThat(cookie).isNotNull();
			assertThat(client.get("/visits", cookie).json().path("visits").asInt()).isEqualTo(1);
			cookies.add(cookie);
			if (user % 500 == 499) {
				assertThat(client.json("/actuator/sessionstore").path("bytes").asLong()).isPositive()
					.isLessThanOrEqualTo(MAX_BYTES);
			}
		}

		JsonNode store = client.json("/actuator/sessionstore");
		assertThat(store.path("store").asString()).isEqualTo("memory");
		assertThat(store.path("limits").path("maxBytes").asLong()).isEqualTo(MAX_BYTES);
		long sessions = store.path("sessions").asLong();
		long bytes = store.path("bytes").asLong();
		JsonNode counters = store.path("counters");
		long evicted = counters.path("evicted").asLong();
		assertThat(bytes).isPositive().isLessThanOrEqualTo(MAX_BYTES);
		assertThat(sessions).isGreaterThanOrEqualTo(NEWEST).isLessThan(USERS / 10);
		assertThat(counters.path("created").asLong()).isEqualTo(USERS);
		assertThat(counters.path("expired").asLong()).isZero();
		assertThat(counters.path("deleted").asLong()).isZero();
		assertThat(counters.path("serializationFailures").asLong()).isZero();
		assertThat(evicted).as("every session created and no longer held was evicted").isEqualTo(USERS - sessions);

		assertThat(meter(client, SessionMeterNames.STORE_BYTES, "VALUE")).isEqualTo(bytes);
		assertThat(meter(client, SessionMeterNames.STORE_MAX_BYTES, "VALUE")).isEqualTo(MAX_BYTES);
		assertThat(meter(client, SessionMeterNames.STORE_SIZE, "VALUE")).isEqualTo(sessions);
		assertThat(meter(client, SessionMeterNames.STORE_EVICTIONS, "COUNT")).isEqualTo(evicted);

		for (int user = USERS - NEWEST; user < USERS; user++) {
			String cookie = cookies.get(user);
			Response visit = client.get("/visits", cookie);
			assertThat(visit.json().path("visits").asInt()).as("visits of user %d", user).isEqualTo(2);
			assertThat(visit.setCookie()).as("user %d keeps the session", user).isNull();
			JsonNode cart = client.get("/cart", cookie).json();
			assertThat(cart.path("items").values()).extracting(JsonNode::asString).containsExactly("item-" + user);
		}

		Response oldest = client.get("/visits", cookies.get(0));
		assertThat(oldest.json().path("visits").asInt()).as("the oldest session was evicted").isEqualTo(1);
		assertThat(oldest.setCookie()).isNotNull().isNotEqualTo(cookies.get(0));
		assertThat(client.json("/actuator/sessionstore").path("bytes").asLong()).isLessThanOrEqualTo(MAX_BYTES);

		JsonNode reduced = client.post("/actuator/sessionstore/reduce", null).json();
		assertThat(reduced.path("action").asString()).isEqualTo("reduce");
		assertThat(client.json("/actuator/sessionstore").path("bytes").asLong())
			.isLessThanOrEqualTo((long) (MAX_BYTES * 0.75));
	}

	private static double meter(SampleClient client, String name, String statistic) {
		for (JsonNode measurement : client.json("/actuator/metrics/" + name).path("measurements").values()) {
			if (statistic.equals(measurement.path("statistic").asString())) {
				return measurement.path("value").asDouble();
			}
		}
		throw new AssertionError("Meter " + name + " has no " + statistic);
	}

}
