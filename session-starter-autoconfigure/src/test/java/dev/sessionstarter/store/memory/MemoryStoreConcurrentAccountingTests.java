package dev.sessionstarter.store.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.sessionstarter.store.MutableClock;
import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionTooLargeException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Saves, logins, logouts, renames, deletes, expiry and eviction of the same few ids from
 * several threads at once: afterwards the byte total, the shared names, the principal index and
 * the eviction order all match the stored sessions, and no removal is reported twice.
 */
class MemoryStoreConcurrentAccountingTests {

	private static final int IDS = 24;

	private static final int THREADS = 4;

	private static final int OPERATIONS = 20_000;

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	@Test
	void accountingMatchesTheSessionsAfterConcurrentOperationsOnTheSameIds() throws InterruptedException {
		MemorySessionStore store = new MemorySessionStore(12_000, 12, 0.5, this.clock);
		// by identity: a record removed twice, not two equal records
		Map<SessionRecord, RemovalCause> removals = Collections.synchronizedMap(new IdentityHashMap<>());
		AtomicInteger reportedTwice = new AtomicInteger();
		store.setRemovalListener((record, cause) -> {
			if (removals.putIfAbsent(record, cause) != null) {
				reportedTwice.incrementAndGet();
			}
		});
		AtomicReference<Throwable> failure = new AtomicReference<>();
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			Thread thread = new Thread(() -> {
				try {
					for (int i = 0; i < OPERATIONS; i++) {
						operate(store);
					}
				}
				catch (Throwable ex) {
					failure.compareAndSet(null, ex);
				}
			});
			threads.add(thread);
			thread.start();
		}
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(failure.get()).isNull();
		assertThat(reportedTwice.get()).isZero();
		assertThat(removals).containsValues(RemovalCause.EXPIRED, RemovalCause.EVICTED);
		assertThat(MemoryStoreInvariants.countedBytes(store)).isEqualTo(store.usage().bytes());
		MemoryStoreInvariants.assertPrincipalIndexConsistent(store);
		MemoryStoreInvariants.assertOrderConsistent(store);
	}

	private void operate(MemorySessionStore store) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		String id = "id" + random.nextInt(IDS);
		long now = this.clock.millis();
		try {
			switch (random.nextInt(10)) {
				case 0 -> store.delete(id);
				case 1 -> store.deleteIfExpired(id, Instant.ofEpochMilli(now + random.nextInt(3000)));
				case 2 -> store.purgeExpired(Instant.ofEpochMilli(now + random.nextInt(3000)));
				case 3 -> store.reduce();
				case 4 -> store.save(new SessionChange("id" + random.nextInt(IDS), id, false, 0, now, null, false,
						null, Map.of()));
				case 5 -> store.save(new SessionChange(id, null, false, 0, now, null, true,
						random.nextBoolean() ? "user" + random.nextInt(3) : null, Map.of()));
				default -> store.save(new SessionChange(id, null, random.nextInt(3) == 0, now, now,
						(long) random.nextInt(1, 3000), false, null, attributes(random)));
			}
		}
		catch (SessionTooLargeException ex) {
			// a large change over the reduced bound
		}
	}

	private static Map<String, byte @Nullable []> attributes(ThreadLocalRandom random) {
		Map<String, byte @Nullable []> attributes = new HashMap<>();
		for (int i = random.nextInt(3); i >= 0; i--) {
			attributes.put("name" + random.nextInt(6), (random.nextInt(4) == 0) ? null : new byte[random.nextInt(400)]);
		}
		return attributes;
	}

}
