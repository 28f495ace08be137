package dev.sessionstarter.actuate.endpoint;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SessionStoreEndpointTests {

	private final StoreSessionRepository repository = new StoreSessionRepository(
			new MemorySessionStore(1024 * 1024, 0.75, Clock.systemUTC()), new JavaSessionSerializer(List.of(), null));

	private final SessionStoreEndpoint endpoint = new SessionStoreEndpoint(this.repository, 0.75,
			Duration.ofMinutes(6));

	@Test
	void describesTheStoreWithoutAttributeValues() {
		StoredSession session = this.repository.createSession();
		session.setAttribute("secret", "value");
		this.repository.save(session);
		SessionStoreDescriptor descriptor = this.endpoint.store();
		assertThat(descriptor.getStore()).isEqualTo("memory");
		assertThat(descriptor.getSessions()).isEqualTo(1);
		assertThat(descriptor.getBytes()).isPositive();
		assertThat(descriptor.getLimits().maxBytes()).isEqualTo(1024 * 1024);
		assertThat(descriptor.getLimits().reduceTo()).isEqualTo(0.75);
		assertThat(descriptor.getLimits().purgeInterval()).isEqualTo(Duration.ofMinutes(6));
		assertThat(descriptor.getCounters().created()).isEqualTo(1);
		assertThat(descriptor.getLastPurge()).isNull();
	}

	@Test
	void purgesAndReducesOnRequest() {
		assertThat(this.endpoint.run("purge").removed()).isZero();
		assertThat(this.endpoint.store().getLastPurge()).isNotNull();
		assertThat(this.endpoint.run("reduce").action()).isEqualTo("reduce");
		assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(() -> this.endpoint.run("drop"));
	}

	@Test
	void deletesOneSession() {
		StoredSession session = this.repository.createSession();
		this.repository.save(session);
		this.endpoint.deleteSession(session.getId());
		assertThat(this.repository.findById(session.getId())).isNull();
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.endpoint.deleteSession("../x"));
	}

}
