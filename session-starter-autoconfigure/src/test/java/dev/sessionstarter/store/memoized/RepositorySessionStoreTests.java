package dev.sessionstarter.store.memoized;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.session.MapSession;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;

import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The adapter of an application's own repository, on Spring Session's
 * {@link MapSessionRepository}.
 */
class RepositorySessionStoreTests {

	private final JavaSessionSerializer serializer = new JavaSessionSerializer(List.of(), null);

	private final Map<String, Session> sessions = new ConcurrentHashMap<>();

	private final MapSessionRepository repository = new MapSessionRepository(this.sessions);

	private final RepositorySessionStore store = new RepositorySessionStore(this.repository, this.serializer);

	private final long now = System.currentTimeMillis();

	@Test
	void createsASessionUnderTheIdItIsGivenWithEncodedValues() {
		SessionRecord record = this.store.save(create("given-id", Map.of("a", this.serializer.serialize("x"))));
		assertThat(record.id()).isEqualTo("given-id");
		assertThat(record.attribute("a")).isEqualTo(this.serializer.serialize("x"));
		assertThat(record.creationTime()).isEqualTo(this.now);
		assertThat((String) this.repository.findById("given-id").getAttribute("a")).isEqualTo("x");
		assertThat(this.store.supportsVersionCheck()).isFalse();
	}

	@Test
	void appliesAChangeAndARenameToTheStoredSession() {
		this.store.save(create("first", Map.of("a", this.serializer.serialize(1), "b", this.serializer.serialize(2))));
		Map<String, byte @Nullable []> changed = new HashMap<>();
		changed.put("a", null);
		changed.put("c", this.serializer.serialize(3));
		SessionRecord renamed = this.store.save(new SessionChange("second", "first", false, this.now,
				this.now + 1000, 60_000L, false, null, changed));
		assertThat(renamed.id()).isEqualTo("second");
		assertThat(renamed.attributeNames()).containsExactlyInAnyOrder("b", "c");
		assertThat(renamed.lastAccessedTime()).isEqualTo(this.now + 1000);
		assertThat(this.sessions).containsOnlyKeys("second");
		MapSession stored = this.repository.findById("second");
		assertThat(stored.getMaxInactiveInterval().toMillis()).isEqualTo(60_000);
		assertThat((Integer) stored.getAttribute("c")).isEqualTo(3);
	}

	@Test
	void dropsAChangeToASessionTheRepositoryNoLongerHolds() {
		assertThat(this.store.save(new SessionChange("gone", null, false, this.now, this.now, null, false, null,
				Map.of()))).isNull();
		assertThat(this.sessions).isEmpty();
	}

	@Test
	void deletesAndLeavesExpiryToTheRepository() {
		this.store.save(create("one", Map.of()));
		assertThat(this.store.purgeExpired(Instant.now().plusSeconds(86_400))).isZero();
		assertThat(this.store.delete("one").id()).isEqualTo("one");
		assertThat(this.store.find("one")).isNull();
		assertThat(this.store.usage().sessions()).isEqualTo(-1);
	}

	@Test
	void refusesARepositoryWhoseIdsItCannotSet() {
		SessionRepository<MapSession> noIdGenerator = new SessionRepository<>() {

			@Override
			public MapSession createSession() {
				return new MapSession();
			}

			@Override
			public void save(MapSession session) {
			}

			@Override
			public @Nullable MapSession findById(String id) {
				return null;
			}

			@Override
			public void deleteById(String id) {
			}

		};
		assertThatIllegalArgumentException().isThrownBy(() -> new RepositorySessionStore(noIdGenerator, this.serializer))
			.withMessageContaining("setSessionIdGenerator");
	}

	private SessionChange create(String id, Map<String, byte @Nullable []> attributes) {
		return new SessionChange(id, null, true, this.now, this.now, 1_800_000L, false, null, attributes);
	}

}
