package dev.sessionstarter.store.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.sessionstarter.store.MutableClock;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order in which the memory store evicts its sessions when they are saved again: least
 * recently saved first, except that a session saved again while it is among the most recently
 * saved eighth of the sessions keeps its place among them ({@link AccessOrder}).
 */
class MemoryStoreAccessOrderTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final long footprint = HeapFootprint.of(SessionRecord.apply(null, create("s00")));

	private final List<String> evicted = new ArrayList<>();

	@Test
	void aSmallStoreEvictsASessionSavedAgainAfterEveryOneSavedBeforeIt() {
		MemorySessionStore store = store(this.footprint * 1000, 0.002);
		for (int i = 0; i < 7; i++) {
			store.save(create(String.format("s%02d", i)));
		}
		store.save(touch("s00"));
		store.save(touch("s03"));
		store.reduce();
		assertThat(this.evicted).containsExactly("s01", "s02", "s04", "s05", "s06", "s00");
		assertThat(store.find("s03")).isNotNull();
	}

	@Test
	void aSessionSavedAgainWhileAmongTheLastEighthSavedKeepsItsPlaceAndAnOlderOneMovesToTheEnd() {
		MemorySessionStore store = store(this.footprint * 1000, 0.002);
		for (int i = 0; i < 80; i++) {
			store.save(create(String.format("s%02d", i)));
		}
		// s75 was saved 5 saves ago, among the last 10 (an eighth of 80): it stays where it is
		store.save(touch("s75"));
		assertThat(store.find("s75").lastAccessedTime()).isEqualTo(this.clock.millis());
		// s00 was saved 80 saves ago: it moves to the most recent end
		store.save(touch("s00"));
		store.reduce();
		List<String> expected = new ArrayList<>();
		for (int i = 1; i < 80; i++) {
			expected.add(String.format("s%02d", i));
		}
		assertThat(this.evicted).containsExactlyElementsOf(expected);
		assertThat(store.find("s00")).isNotNull();
	}

	@Test
	void loggedInSessionsAreEvictedAfterAnonymousOnesWhateverTheirPlace() {
		MemorySessionStore store = store(this.footprint * 1000, 0.002);
		for (int i = 0; i < 80; i++) {
			store.save(create(String.format("s%02d", i)));
		}
		// s79 logs in: though among the last saved, it goes to the logged-in sessions' order
		store.save(new SessionChange("s79", null, false, 0, this.clock.millis(), null, true, "user",
				Map.of("payload", new byte[100])));
		store.reduce();
		assertThat(this.evicted).hasSize(79).doesNotContain("s79");
		assertThat(store.findByPrincipalName("user")).hasSize(1);
	}

	private MemorySessionStore store(long maxBytes, double reduceTo) {
		MemorySessionStore store = new MemorySessionStore(maxBytes, reduceTo, this.clock);
		store.setRemovalListener((record, cause) -> this.evicted.add(record.id()));
		return store;
	}

	private SessionChange create(String id) {
		return new SessionChange(id, null, true, this.clock.millis(), this.clock.millis(),
				Duration.ofMinutes(30).toMillis(), false, null, Map.of("payload", new byte[100]));
	}

	private SessionChange touch(String id) {
		this.clock.advance(Duration.ofSeconds(1));
		return new SessionChange(id, null, false, 0, this.clock.millis(), null, false, null, Map.of());
	}

}
