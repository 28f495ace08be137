package dev.sessionstarter.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sessionstarter.AllocatedBytes;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session as {@code findById} loads it for a request: its times come from the stored record,
 * and the objects the Session API hands out for them are made only when asked for.
 */
class LoadedSessionTests {

	private final MemorySessionStore store = new MemorySessionStore(1024 * 1024, 0.75, Clock.systemUTC());

	private final StoreSessionRepository repository = new StoreSessionRepository(this.store,
			new JavaSessionSerializer(List.of(), null));

	@Test
	void aLoadedSessionHasTheStoredTimes() {
		StoredSession created = this.repository.createSession();
		created.setMaxInactiveInterval(Duration.ofMinutes(7));
		this.repository.save(created);
		SessionRecord stored = this.store.find(created.getId());
		StoredSession loaded = this.repository.findById(created.getId());
		assertThat(loaded.getCreationTime()).isEqualTo(Instant.ofEpochMilli(stored.creationTime()));
		assertThat(loaded.getLastAccessedTime()).isEqualTo(Instant.ofEpochMilli(stored.lastAccessedTime()));
		assertThat(loaded.getMaxInactiveInterval()).isEqualTo(Duration.ofMinutes(7));
		assertThat(loaded.isExpired()).isFalse();
		Instant later = loaded.getLastAccessedTime().plusSeconds(1);
		loaded.setLastAccessedTime(later);
		assertThat(loaded.getLastAccessedTime()).isSameAs(later);
	}

	/**
	 * Loading a session allocates the session and its two attribute maps: 200 bytes. It was 272
	 * (its three times as objects, and two instants to decide its expiry).
	 */
	@Test
	void findingASessionAllocatesTheSessionAndItsMapsOnly() throws Exception {
		StoredSession created = this.repository.createSession();
		this.repository.save(created);
		String id = created.getId();
		double bytes = AllocatedBytes.perRun(20_000, () -> this.repository.findById(id));
		assertThat(bytes).isLessThanOrEqualTo(220);
	}

}
