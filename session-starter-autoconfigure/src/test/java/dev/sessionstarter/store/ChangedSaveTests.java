package dev.sessionstarter.store;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sessionstarter.AllocatedBytes;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A save that writes one changed attribute, what a request that changes its session does: the
 * repository hands the memory store a change of one entry.
 */
class ChangedSaveTests {

	private final MemorySessionStore store = new MemorySessionStore(1024 * 1024, 0.75, Clock.systemUTC());

	private final StoreSessionRepository repository = new StoreSessionRepository(this.store,
			new JavaSessionSerializer(List.of(), null));

	/**
	 * Setting a counter and saving it allocates 552 bytes (the change, its encoded value, the new
	 * record and its entry). It was 967: a copy of the delta and the encoded attributes in hash
	 * maps, an unmodifiable view of the latter and the iterators of both, and a byte buffer to
	 * encode the number.
	 */
	@Test
	void savingOneChangedAttributeCopiesNoMap() throws Exception {
		this.repository.setSavePeriod(Duration.ofMinutes(1));
		this.repository.setMaxSessionSize(1024 * 1024);
		StoredSession created = this.repository.createSession();
		created.setAttribute("count", 1);
		this.repository.save(created);
		StoredSession session = this.repository.findById(created.getId());
		int[] count = { 1000 };
		long version = session.getVersion();
		double bytes = AllocatedBytes.perRun(20_000, () -> {
			session.setAttribute("count", count[0]++);
			this.repository.save(session);
		});
		assertThat(bytes).isLessThanOrEqualTo(600);
		assertThat(this.store.find(created.getId()).version()).isEqualTo(version + 40_000);
		assertThat(this.repository.findById(created.getId()).<Integer>getAttribute("count")).isEqualTo(count[0] - 1);
	}

}
