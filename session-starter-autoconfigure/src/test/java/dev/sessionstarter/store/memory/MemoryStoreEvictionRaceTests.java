package dev.sessionstarter.store.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

import org.junit.jupiter.api.Test;

import org.springframework.test.util.ReflectionTestUtils;

import dev.sessionstarter.store.MutableClock;
import dev.sessionstarter.store.SessionChange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Eviction while the session it names is being saved: the save moves the session to the most
 * recent end, so the eviction must not remove it (what it judged eldest was the record before
 * the save).
 */
class MemoryStoreEvictionRaceTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final List<String> evicted = new CopyOnWriteArrayList<>();

	@Test
	void anEvictionThatChoseASessionBeingSavedLeavesItAndEvictsTheNextEldest() throws InterruptedException {
		MemorySessionStore store = new MemorySessionStore(Long.MAX_VALUE / 4, 4, 0.5, this.clock);
		store.setRemovalListener((record, cause) -> this.evicted.add(record.id()));
		store.save(create("h"));
		store.save(create("a"));
		store.save(create("b"));
		ReentrantLock orderLock = orderLock(store);
		Thread reducer = new Thread(store::reduce, "reducer");
		Thread saver = new Thread(() -> store.save(touch("h")), "saver");
		orderLock.lock();
		try {
			reducer.start();
			// the reduction waits to read which session is eldest: h
			await().until(() -> orderLock.hasQueuedThread(reducer));
			saver.start();
			// the save of h has changed its record and waits to move it to the most recent end
			await().until(() -> orderLock.hasQueuedThread(saver));
		}
		finally {
			orderLock.unlock();
		}
		reducer.join();
		saver.join();
		assertThat(this.evicted).containsExactly("a");
		assertThat(store.find("h")).isNotNull();
		assertThat(MemoryStoreInvariants.countedBytes(store)).isEqualTo(store.usage().bytes());
	}

	@Test
	void aSessionSavedAfter2To31MovesOfOthersMovesToTheMostRecentEnd() {
		MemorySessionStore store = new MemorySessionStore(Long.MAX_VALUE / 4, 4, 0.5, this.clock);
		store.setRemovalListener((record, cause) -> this.evicted.add(record.id()));
		store.save(create("s0"));
		store.save(create("s1"));
		store.save(create("s2"));
		// as if s1 and s2 had been saved 2^31 times while s0 was not
		Object order = ReflectionTestUtils.getField(entries(store), "accounting");
		order = ReflectionTestUtils.getField(order, "order");
		int moves = (int) ReflectionTestUtils.getField(order, "moves") + Integer.MIN_VALUE;
		ReflectionTestUtils.setField(order, "moves", moves);
		ReflectionTestUtils.setField(entry(store, "s1"), "stamp", moves - 1);
		ReflectionTestUtils.setField(entry(store, "s2"), "stamp", moves);
		store.save(touch("s0"));
		store.reduce();
		assertThat(this.evicted).containsExactly("s1");
		assertThat(store.find("s0")).isNotNull();
	}

	private static Object entries(MemorySessionStore store) {
		return ReflectionTestUtils.getField(store, "entries");
	}

	@SuppressWarnings("unchecked")
	private static Object entry(MemorySessionStore store, String id) {
		return ((Map<String, Object>) ReflectionTestUtils.getField(entries(store), "sessions")).get(id);
	}

	private static ReentrantLock orderLock(MemorySessionStore store) {
		Object accounting = ReflectionTestUtils.getField(entries(store), "accounting");
		return (ReentrantLock) ReflectionTestUtils.getField(ReflectionTestUtils.getField(accounting, "order"), "lock");
	}

	private SessionChange create(String id) {
		return new SessionChange(id, null, true, this.clock.millis(), this.clock.millis(),
				Duration.ofMinutes(30).toMillis(), false, null, Map.of("payload", new byte[100]));
	}

	private SessionChange touch(String id) {
		return new SessionChange(id, null, false, 0, this.clock.millis() + 1000, null, false, null, Map.of());
	}

}
