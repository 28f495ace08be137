package dev.sessionstarter.sample;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.sessionstarter.sample.SampleClient.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end tests of the sample as configured in its {@code application.yml}: real HTTP
 * requests through the embedded server, Spring Session's filter and the memory store.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleApplicationTests {

	@LocalServerPort
	private int port;

	private SampleClient client;

	@BeforeEach
	void createClient() {
		this.client = new SampleClient(this.port);
	}

	@Test
	void visitCounterContinuesAcrossRequestsOfOneCookie() {
		Response first = this.client.get("/visits", null);
		assertThat(first.status()).isEqualTo(200);
		assertThat(first.json().path("visits").asInt()).isEqualTo(1);
		String cookie = first.setCookie();
		assertThat(cookie).startsWith("SESSION=");
		for (int visit = 2; visit <= 5; visit++) {
			Response next = this.client.get("/visits", cookie);
			assertThat(next.json().path("visits").asInt()).isEqualTo(visit);
			assertThat(next.setCookie()).as("an existing session keeps its cookie").isNull();
		}
		Response stranger = this.client.get("/visits", null);
		assertThat(stranger.json().path("visits").asInt()).isEqualTo(1);
		assertThat(stranger.setCookie()).isNotEqualTo(cookie);
	}

	@Test
	void cartKeepsItsItemsInOrder() {
		Response added = this.client.post("/cart?item=book", null);
		assertThat(added.status()).isEqualTo(200);
		String cookie = added.setCookie();
		assertThat(cookie).isNotNull();
		this.client.post("/cart?item=pen", cookie);
		JsonNode cart = this.client.get("/cart", cookie).json();
		assertThat(cart.path("items").values()).extracting(JsonNode::asString).containsExactly("book", "pen");
	}

	@Test
	void readingAnEmptyCartCreatesNoSession() {
		Response response = this.client.get("/cart", null);
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().path("items").size()).isZero();
		assertThat(response.setCookie()).isNull();
	}

	@Test
	void cartRefusesABlankItem() {
		assertThat(this.client.post("/cart?item=%20", null).status()).isEqualTo(400);
	}

	@Test
	void indexListsTheEndpoints() {
		JsonNode index = this.client.json("/");
		assertThat(index.propertyNames()).contains("GET /visits", "POST /cart?item=book", "GET /cart",
				"GET /actuator/sessionstore");
	}

	@Test
	void sessionStoreEndpointDescribesTheMemoryStore() {
		this.client.get("/visits", null);
		JsonNode store = this.client.json("/actuator/sessionstore");
		assertThat(store.path("store").asString()).isEqualTo("memory");
		assertThat(store.path("limits").path("maxBytes").asLong()).isEqualTo(4L * 1024 * 1024);
		assertThat(store.path("limits").path("reduceTo").asDouble()).isEqualTo(0.75);
		assertThat(store.path("limits").path("purgeInterval").asString()).isEqualTo("PT1M");
		assertThat(store.path("sessions").asLong()).isPositive();
		assertThat(store.path("bytes").asLong()).isPositive();
		assertThat(store.path("counters").path("created").asLong()).isPositive();
	}

	@Test
	void purgeOperationAnswers() {
		Response response = this.client.post("/actuator/sessionstore/purge", null);
		assertThat(response.status()).isEqualTo(200);
		JsonNode result = response.json();
		assertThat(result.path("action").asString()).isEqualTo("purge");
		assertThat(result.path("removed").asInt()).isZero();
		assertThat(this.client.json("/actuator/sessionstore").path("counters").path("purges").asLong())
			.isPositive();
	}

	@Test
	void unknownStoreOperationIsABadRequest() {
		assertThat(this.client.post("/actuator/sessionstore/compact", null).status()).isEqualTo(400);
	}

	@Test
	void deleteOperationEndsOneSession() {
		String cookie = this.client.get("/visits", null).setCookie();
		assertThat(this.client.get("/visits", cookie).json().path("visits").asInt()).isEqualTo(2);
		Response deleted = this.client.delete("/actuator/sessionstore/" + SampleClient.sessionId(cookie));
		assertThat(deleted.status()).isEqualTo(204);
		Response after = this.client.get("/visits", cookie);
		assertThat(after.json().path("visits").asInt()).isEqualTo(1);
		assertThat(after.setCookie()).isNotEqualTo(cookie);
	}

	@Test
	void bootSessionsEndpointAnswers() {
		JsonNode sessions = this.client.json("/actuator/sessions?username=alice");
		assertThat(sessions.path("sessions").isArray()).isTrue();
	}

	@Test
	void bootSessionsEndpointShowsOneSessionWithTheConfiguredTimeout() {
		String cookie = this.client.get("/visits", null).setCookie();
		String id = SampleClient.sessionId(cookie);
		JsonNode session = this.client.json("/actuator/sessions/" + id);
		assertThat(session.path("id").asString()).isEqualTo(id);
		assertThat(session.path("attributeNames").values()).extracting(JsonNode::asString).containsExactly("visits");
		assertThat(session.path("maxInactiveInterval").asLong()).isEqualTo(30 * 60);
	}

	@Test
	void storeMetersArePublished() {
		this.client.get("/visits", null);
		assertThat(meter("sessions.store.bytes", "VALUE")).isPositive();
		assertThat(meter("sessions.store.size", "VALUE")).isPositive();
		assertThat(meter("sessions.store.max.bytes", "VALUE")).isEqualTo(4.0 * 1024 * 1024);
		JsonNode bytes = this.client.json("/actuator/metrics/sessions.store.bytes");
		assertThat(bytes.path("availableTags").get(0).path("tag").asString()).isEqualTo("store");
	}

	private double meter(String name, String statistic) {
		for (JsonNode measurement : this.client.json("/actuator/metrics/" + name).path("measurements").values()) {
			if (statistic.equals(measurement.path("statistic").asString())) {
				return measurement.path("value").asDouble();
			}
		}
		throw new AssertionError("Meter " + name + " has no " + statistic);
	}

}
