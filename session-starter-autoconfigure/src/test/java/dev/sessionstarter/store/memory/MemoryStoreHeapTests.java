package dev.sessionstarter.store.memory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.session.FindByIndexNameSessionRepository;

import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The memory store's accounting is honest: filled far past its bound, the heap it retains
 * (measured after GC) is within 15% above {@code max-size} and uses at least half of it. This
 * measures memory, not time.
 */
class MemoryStoreHeapTests {

	private static final long MAX_BYTES = 16L * 1024 * 1024;

	@Test
	void retainsNoMoreHeapThanItsBoundAndUsesMostOfIt() {
		long before = usedHeapAfterGc();
		StoreSessionRepository repository = new StoreSessionRepository(
				new MemorySessionStore(MAX_BYTES, 0.75, Clock.systemUTC()), new JavaSessionSerializer(List.of(), null));
		for (int i = 0; i < 200_000; i++) {
			StoredSession session = repository.createSession();
			session.setAttribute("user", "user-" + i);
			session.setAttribute("visits", i);
			session.setAttribute("cart", new java.util.ArrayList<>(List.of("book-" + i, "pen", "lamp")));
			if (i % 10 == 0) {
				session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "login-" + i);
			}
			repository.save(session);
		}
		long retained = usedHeapAfterGc() - before;
		long counted = repository.getStatistics().usage().bytes();
		System.out.printf("memory store heap: bound %d, counted %d, retained %d (%.3f of the bound), %d sessions kept%n",
				MAX_BYTES, counted, retained, (double) retained / MAX_BYTES, repository.getStatistics().usage().sessions());
		assertThat(repository.getStatistics().evicted()).isPositive();
		assertThat(counted).isLessThanOrEqualTo(MAX_BYTES);
		assertThat(retained).as("retained heap, counted %d bytes", counted)
			.isLessThanOrEqualTo((long) (MAX_BYTES * 1.15))
			.isGreaterThanOrEqualTo(MAX_BYTES / 2);
		Reference.reachabilityFence(repository);
	}

	private static long usedHeapAfterGc() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 5; i++) {
			System.gc();
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
		}
		return used;
	}

}
