package dev.sessionstarter.store.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.sessionstarter.store.MutableClock;
import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionTooLargeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The parts of the memory store a cache uses: a bound in sessions, and records held exactly as
 * given.
 */
class MemorySessionStoreAsCacheTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final List<String> evicted = new ArrayList<>();

	private MemorySessionStore store(long maxBytes, long maxSessions) {
		MemorySessionStore store = new MemorySessionStore(maxBytes, maxSessions, 0.5, this.clock);
		store.setRemovalListener((record, cause) -> {
			if (cause == RemovalCause.EVICTED) {
				this.evicted.add(record.id());
			}
		});
		return store;
	}

	private SessionRecord record(String id, long version, int payload) {
		SessionChange change = new SessionChange(id, null, true, this.clock.millis(), this.clock.millis(),
				Duration.ofMinutes(30).toMillis(), false, null, Map.of("payload", new byte[payload]));
		SessionRecord created = SessionRecord.apply(null, change);
		return new SessionRecord(id, created.creationTime(), created.lastAccessedTime(), created.maxInactiveMillis(),
				null, new String[] { "payload" }, new byte[][] { new byte[payload] }, version);
	}

	@Test
	void evictsTheLeastRecentlyUsedDownToTheReducedSessionCountWhenOverMaxSessions() {
		MemorySessionStore store = store(64L * 1024 * 1024, 4);
		for (int i = 0; i < 5; i++) {
			store.put(record("s" + i, 1, 10));
			this.clock.advance(Duration.ofSeconds(1));
		}
		assertThat(store.usage().sessions()).isEqualTo(2);
		assertThat(this.evicted).containsExactly("s0", "s1", "s2");
		assertThat(store.getMaxSessions()).isEqualTo(4);
		assertThat(store.usage().bytes()).isEqualTo(MemoryStoreInvariants.countedBytes(store));
	}

	@Test
	void holdsAPutRecordExactlyAsGivenAndCountsItsBytes() {
		MemorySessionStore store = store(64L * 1024 * 1024, 100);
		SessionRecord record = record("a", 7, 100);
		store.put(record);
		assertThat(store.find("a")).isSameAs(record);
		store.put(record("a", 8, 1000));
		assertThat(store.find("a").version()).isEqualTo(8);
		assertThat(store.usage().sessions()).isOne();
		assertThat(store.usage().bytes()).isEqualTo(MemoryStoreInvariants.countedBytes(store));
	}

	@Test
	void refusesToPutARecordLargerThanTheReducedBound() {
		MemorySessionStore store = store(4096, 100);
		assertThatExceptionOfType(SessionTooLargeException.class).isThrownBy(() -> store.put(record("a", 1, 5000)));
		assertThat(store.usage().sessions()).isZero();
		assertThat(store.usage().bytes()).isZero();
	}

	@Test
	void aByteBoundOnlyStoreHasNoSessionBound() {
		assertThat(new MemorySessionStore(4096, 0.75, this.clock).getMaxSessions()).isEqualTo(Long.MAX_VALUE);
	}

}
