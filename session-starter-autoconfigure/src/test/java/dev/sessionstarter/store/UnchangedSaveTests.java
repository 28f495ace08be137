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
 * A save that has nothing to write, which is what most saves are (Spring Session's filter saves
 * a session at least once a request, twice when the response is committed before the filter
 * ends): the repository answers it from the session's own flags, without building a change.
 */
class UnchangedSaveTests {

	private final MemorySessionStore store = new MemorySessionStore(1024 * 1024, 0.75, Clock.systemUTC());

	private final StoreSessionRepository repository = new StoreSessionRepository(this.store,
			new JavaSessionSerializer(List.of(), null));

	/**
	 * A touch within the save period writes nothing and allocates nothing; it allocated two maps
	 * (the delta's copy and the encoded attributes) to find that out.
	 */
	@Test
	void aTouchWithinTheSavePeriodWritesNothingAndAllocatesNothing() throws Exception {
		this.repository.setSavePeriod(Duration.ofMinutes(1));
		StoredSession created = this.repository.createSession();
		created.setAttribute("count", 1);
		this.repository.save(created);
		StoredSession session = this.repository.findById(created.getId());
		assertThat(session).isNotNull();
		session.setLastAccessedTime(Instant.now());
		long version = session.getVersion();
		double bytes = AllocatedBytes.perRun(20_000, () -> this.repository.save(session));
		assertThat(bytes).isZero();
		assertThat(this.store.find(created.getId()).version()).isEqualTo(version);
	}

	@Test
	void aChangedAttributeAfterUnchangedSavesIsWritten() {
		this.repository.setSavePeriod(Duration.ofMinutes(1));
		StoredSession created = this.repository.createSession();
		this.repository.save(created);
		StoredSession session = this.repository.findById(created.getId());
		session.setLastAccessedTime(Instant.now());
		this.repository.save(session);
		this.repository.save(session);
		long version = this.store.find(created.getId()).version();
		session.setAttribute("count", 2);
		this.repository.save(session);
		assertThat(this.store.find(created.getId()).version()).isEqualTo(version + 1);
		assertThat(this.repository.findById(created.getId()).<Integer>getAttribute("count")).isEqualTo(2);
	}

	@Test
	void aTouchAfterThePeriodIsWritten() {
		this.repository.setSavePeriod(Duration.ofMinutes(1));
		StoredSession created = this.repository.createSession();
		this.repository.save(created);
		StoredSession session = this.repository.findById(created.getId());
		long version = session.getVersion();
		session.setLastAccessedTime(session.getLastAccessedTime().plus(Duration.ofMinutes(2)));
		this.repository.save(session);
		assertThat(this.store.find(created.getId()).version()).isEqualTo(version + 1);
	}

}
