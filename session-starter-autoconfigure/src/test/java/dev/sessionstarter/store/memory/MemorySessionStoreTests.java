package dev.sessionstarter.store.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.sessionstarter.store.MutableClock;
import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionTooLargeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class MemorySessionStoreTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final Map<RemovalCause, AtomicInteger> removals = new HashMap<>();

	private MemorySessionStore store(long maxBytes) {
		MemorySessionStore store = new MemorySessionStore(maxBytes, 0.75, this.clock);
		for (RemovalCause cause : RemovalCause.values()) {
			this.removals.put(cause, new AtomicInteger());
		}
		store.setRemovalListener((record, cause) -> this.removals.get(cause).incrementAndGet());
		return store;
	}

	private SessionChange create(String id, String principal, int payload) {
		Map<String, byte[]> attributes = new HashMap<>();
		attributes.put("payload", new byte[payload]);
		return new SessionChange(id, null, true, this.clock.millis(), this.clock.millis(),
				Duration.ofMinutes(30).toMillis(), principal != null, principal, attributes);
	}

	private SessionChange update(String id, Map<String, byte[]> attributes) {
		return new SessionChange(id, null, false, 0, this.clock.millis(), null, false, null, attributes);
	}

	@Test
	void keepsTheByteTotalExactThroughEveryKindOfChange() {
		MemorySessionStore store = store(64L * 1024 * 1024);
		store.save(create("a", null, 100));
		store.save(create("b", "bob", 50));
		assertThat(store.usage().bytes()).isEqualTo(MemoryStoreInvariants.countedBytes(store));
		store.save(update("a", Map.of("payload", new byte[1000], "more", new byte[10])));
		assertThat(store.usage().bytes()).isEqualTo(MemoryStoreInvariants.countedBytes(store));
		Map<String, byte[]> removal = new HashMap<>();
		removal.put("payload", null);
		store.save(update("a", removal));
		assertThat(store.usage().bytes()).isEqualTo(MemoryStoreInvariants.countedBytes(store));
		this.clock.advance(Duration.ofSeconds(5));
		store.save(update("b", Map.of()));
		assertThat(store.usage().bytes()).isEqualTo(MemoryStoreInvariants.countedBytes(store));
		store.save(new SessionChange("b2", "b", false, 0, null, null, true, "robert", Map.of()));
		assertThat(store.find("b")).isNull();
		assertThat(store.find("b2").principalName()).isEqualTo("robert");
		assertThat(store.usage().bytes()).isEqualTo(MemoryStoreInvariants.countedBytes(store));
		MemoryStoreInvariants.assertPrincipalIndexConsistent(store);
		store.delete("a");
		store.delete("b2");
		assertThat(store.usage().bytes()).isZero();
		assertThat(store.usage().sessions()).isZero();
	}

	@Test
	void holdsAndCountsEachAttributeNameOnceHoweverManySessionsHaveIt() {
		MemorySessionStore store = store(64L * 1024 * 1024);
		for (int i = 0; i < 100; i++) {
			Map<String, byte[]> attributes = new HashMap<>();
			attributes.put(new String("flag"), new byte[] { 1 });
			store.save(new SessionChange("s" + i, null, true, this.clock.millis(), this.clock.millis(), 1_000_000L,
					false, null, attributes));
		}
		String shared = store.find("s0").attributeName(0);
		long records = 0;
		for (int i = 0; i < 100; i++) {
			assertThat(store.find("s" + i).attributeName(0)).isSameAs(shared);
			records += HeapFootprint.of(store.find("s" + i));
		}
		assertThat(store.usage().bytes()).isEqualTo(records + HeapFootprint.sharedName("flag"))
			.isEqualTo(MemoryStoreInvariants.countedBytes(store));
		for (int i = 0; i < 100; i++) {
			store.delete("s" + i);
		}
		assertThat(store.usage().bytes()).isZero();
	}

	@Test
	void evictsLeastRecentlyUsedDownToReduceToWhenASaveGoesOverTheBound() {
		long footprint = HeapFootprint.of(SessionRecord.apply(null, create("s000", null, 200)));
		long maxBytes = footprint * 100;
		MemorySessionStore store = store(maxBytes);
		for (int i = 0; i < 150; i++) {
			this.clock.advance(Duration.ofSeconds(1));
			store.save(create(String.format("s%03d", i), null, 200));
			assertThat(store.usage().bytes()).isLessThanOrEqualTo(maxBytes);
		}
		assertThat(this.removals.get(RemovalCause.EVICTED).get()).isPositive();
		assertThat(store.find("s149")).isNotNull();
		assertThat(store.find("s000")).isNull();
		long kept = store.usage().sessions();
		assertThat(kept).isLessThan(101).isGreaterThan(70);
		for (int i = 150 - (int) kept; i < 150; i++) {
			assertThat(store.find(String.format("s%03d", i))).as("recent session %d", i).isNotNull();
		}
	}

	@Test
	void noSaveEvictsMoreThanABatchBeyondItsOwnBytesHoweverManySessionsTheStoreHolds() {
		for (int sessions : new int[] { 1_000, 20_000 }) {
			long footprint = HeapFootprint.of(SessionRecord.apply(null, create("s0000000", null, 100)));
			MemorySessionStore store = store(footprint * sessions);
			AtomicInteger removedBySave = new AtomicInteger();
			store.setRemovalListener((record, cause) -> removedBySave.incrementAndGet());
			int most = 0;
			long evicted = 0;
			for (int i = 0; i < sessions * 2; i++) {
				removedBySave.set(0);
				store.save(create(String.format("s%07d", i), null, 100));
				most = Math.max(most, removedBySave.get());
				evicted += removedBySave.get();
				assertThat(store.usage().bytes()).isLessThanOrEqualTo(footprint * sessions);
			}
			assertThat(most).as("most sessions one save removed, of %d", sessions)
				.isLessThanOrEqualTo(MemorySessionStore.EVICTION_BATCH + 1);
			assertThat(evicted).isGreaterThan(sessions);
			assertThat(store.find(String.format("s%07d", sessions * 2 - 1))).isNotNull();
			assertThat(store.find("s0000000")).isNull();
			store.reduce();
			assertThat(store.usage().bytes()).isLessThanOrEqualTo((long) (footprint * sessions * 0.75));
		}
	}

	@Test
	void removalsAreReportedOutsideTheMapOperationThatRemovedThem() throws Exception {
		long footprint = HeapFootprint.of(SessionRecord.apply(null, create("s0", null, 200)));
		MemorySessionStore store = new MemorySessionStore(footprint * 10, 0.75, this.clock);
		ExecutorService other = Executors.newSingleThreadExecutor();
		List<String> reported = new ArrayList<>();
		store.setRemovalListener((record, cause) -> {
			// another thread changing the same id would wait for ever inside the map operation
			Future<SessionRecord> recreated = other.submit(() -> store.save(create(record.id(), null, 10)));
			try {
				reported.add(record.id() + " " + cause + " " + (recreated.get(1, TimeUnit.MINUTES) != null));
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		try {
			store.save(new SessionChange("short", null, true, this.clock.millis(), this.clock.millis(), 1_000L,
					false, null, Map.of("payload", new byte[200])));
			this.clock.advance(Duration.ofSeconds(2));
			assertThat(store.deleteIfExpired("short", this.clock.instant())).isTrue();
			for (int i = 0; i < 10; i++) {
				this.clock.advance(Duration.ofSeconds(1));
				store.save(create("s" + i, null, 200));
			}
		}
		finally {
			other.shutdownNow();
		}
		assertThat(reported).first().isEqualTo("short EXPIRED true");
		assertThat(reported).contains("s0 EVICTED true");
	}

	@Test
	void aFloodOfAnonymousSessionsDoesNotEvictLoggedInUsers() {
		MemorySessionStore store = store(256 * 1024);
		List<String> users = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			users.add("user" + i);
			store.save(create("user" + i, "name" + i, 300));
		}
		for (int i = 0; i < 10_000; i++) {
			this.clock.advance(Duration.ofMillis(10));
			store.save(create("anon" + i, null, 300));
		}
		assertThat(this.removals.get(RemovalCause.EVICTED).get()).isGreaterThan(9_000);
		for (String user : users) {
			assertThat(store.find(user)).as(user).isNotNull();
		}
		assertThat(store.findByPrincipalName("name7")).hasSize(1);
		assertThat(store.usage().bytes()).isLessThanOrEqualTo(256 * 1024);
	}

	@Test
	void evictsLoggedInUsersLeastRecentlyUsedFirstWhenNoAnonymousSessionIsLeft() {
		long footprint = HeapFootprint.of(SessionRecord.apply(null, create("u000", "p000", 200)));
		MemorySessionStore store = store(footprint * 10);
		for (int i = 0; i < 11; i++) {
			this.clock.advance(Duration.ofSeconds(1));
			store.save(create(String.format("u%03d", i), String.format("p%03d", i), 200));
		}
		assertThat(store.find("u000")).isNull();
		assertThat(store.find("u010")).isNotNull();
		MemoryStoreInvariants.assertPrincipalIndexConsistent(store);
	}

	@Test
	void removesExpiredSessionsFirstWhenReducing() {
		long footprint = HeapFootprint.of(SessionRecord.apply(null, create("old", null, 200)));
		MemorySessionStore store = store(footprint * 10);
		store.save(new SessionChange("short", null, true, this.clock.millis(), this.clock.millis(), 1_000L, false,
				null, Map.of("payload", new byte[200])));
		this.clock.advance(Duration.ofSeconds(2));
		for (int i = 0; i < 10; i++) {
			store.save(create("s" + i, null, 200));
		}
		assertThat(store.find("short")).isNull();
		assertThat(this.removals.get(RemovalCause.EXPIRED).get()).isEqualTo(1);
	}

	@Test
	void reducesOnDemand() {
		long footprint = HeapFootprint.of(SessionRecord.apply(null, create("s0", null, 200)));
		MemorySessionStore store = store(footprint * 100);
		for (int i = 0; i < 90; i++) {
			this.clock.advance(Duration.ofSeconds(1));
			store.save(create("s" + i, null, 200));
		}
		assertThat(this.removals.get(RemovalCause.EVICTED).get()).isZero();
		// 90 sessions and their one shared attribute name, down to 75 sessions' worth: 16 go
		assertThat(store.reduce()).isEqualTo(16);
		assertThat(store.usage().bytes()).isLessThanOrEqualTo(footprint * 75);
		assertThat(store.find("s0")).isNull();
		assertThat(store.find("s89")).isNotNull();
		assertThat(store.reduce()).isZero();
	}

	@Test
	void refusesASessionLargerThanTheReducedBoundAndKeepsThePreviousVersion() {
		MemorySessionStore store = store(100_000);
		store.save(create("s", null, 100));
		assertThatExceptionOfType(SessionTooLargeException.class)
			.isThrownBy(() -> store.save(update("s", Map.of("payload", new byte[80_000]))))
			.withMessageContaining("Session s would take");
		assertThat(store.find("s").attribute("payload")).hasSize(100);
		assertThatExceptionOfType(SessionTooLargeException.class)
			.isThrownBy(() -> store.save(create("t", null, 80_000)));
		assertThat(store.find("t")).isNull();
		assertThat(store.usage().bytes()).isEqualTo(MemoryStoreInvariants.countedBytes(store));
	}

	@Test
	void purgesExpiredSessions() {
		MemorySessionStore store = store(1024 * 1024);
		store.save(create("a", "alice", 10));
		this.clock.advance(Duration.ofMinutes(20));
		store.save(create("b", null, 10));
		this.clock.advance(Duration.ofMinutes(15));
		assertThat(store.purgeExpired(this.clock.instant())).isEqualTo(1);
		assertThat(store.find("a")).isNull();
		assertThat(store.findByPrincipalName("alice")).isEmpty();
		assertThat(store.usage().bytes()).isEqualTo(MemoryStoreInvariants.countedBytes(store));
	}

	@Test
	void staysExactUnderConcurrentSavesDeletesAndEvictions() throws Exception {
		MemorySessionStore store = store(200 * 1024);
		ExecutorService executor = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				int thread = t;
				futures.add(executor.submit(() -> {
					ThreadLocalRandom random = ThreadLocalRandom.current();
					for (int i = 0; i < 5_000; i++) {
						String id = "s" + random.nextInt(2_000);
						String principal = (random.nextInt(5) == 0) ? "p" + random.nextInt(50) : null;
						switch (random.nextInt(5)) {
							case 0 -> store.delete(id);
							case 1 -> store.save(new SessionChange(id + "r" + thread, id, false, 0, null, null, false,
									null, Map.of()));
							case 2 -> store.save(update(id, Map.of("payload", new byte[random.nextInt(500)])));
							default -> store.save(create(id, principal, random.nextInt(500)));
						}
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get();
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(store.usage().bytes()).isEqualTo(MemoryStoreInvariants.countedBytes(store));
		assertThat(this.removals.get(RemovalCause.EVICTED).get()).isPositive();
		MemoryStoreInvariants.assertPrincipalIndexConsistent(store);
	}

}
