package dev.sessionstarter.lock;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link IdLocks}.
 */
class IdLocksTests {

	private final IdLocks locks = new IdLocks();

	private final ExecutorService executor = Executors.newFixedThreadPool(3);

	@AfterEach
	void stop() {
		this.executor.shutdownNow();
	}

	@Test
	void anIdIsHeldOnceAtATimeAndOtherIdsAreFree() throws Exception {
		IdLocks.Entry one = this.locks.acquire("one", 0);
		assertThat(one).isNotNull();
		assertThat(this.locks.acquire("one", 0)).isNull();
		IdLocks.Entry two = this.locks.acquire("two", 0);
		assertThat(two).isNotNull();
		this.locks.release("one", one);
		this.locks.release("two", two);
		IdLocks.Entry again = this.locks.acquire("one", 0);
		assertThat(again).isNotNull();
		this.locks.release("one", again);
	}

	@Test
	void nothingIsKeptForIdsNoOneHoldsOrWaitsFor() throws Exception {
		for (int i = 0; i < 100; i++) {
			this.locks.release("id-" + i, this.locks.acquire("id-" + i, 0));
		}
		IdLocks.Entry held = this.locks.acquire("held", 0);
		assertThat(this.locks.acquire("held", TimeUnit.MILLISECONDS.toNanos(1))).isNull();
		assertThat(this.locks.size()).isOne();
		this.locks.release("held", held);
		assertThat(this.locks.size()).isZero();
	}

	@Test
	void waitersGetTheIdInTheirOrderOfArrivalWhenItIsReleasedOnAnotherThread() throws Exception {
		IdLocks.Entry held = this.locks.acquire("id", 0);
		List<String> order = new CopyOnWriteArrayList<>();
		Future<?> first = this.executor.submit(() -> takeAndRelease("first", order));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.locks.size() == 1 && queued(held) == 1);
		Future<?> second = this.executor.submit(() -> takeAndRelease("second", order));
		await().atMost(Duration.ofSeconds(10)).until(() -> queued(held) == 2);
		this.executor.submit(() -> this.locks.release("id", held)).get(10, TimeUnit.SECONDS);
		first.get(10, TimeUnit.SECONDS);
		second.get(10, TimeUnit.SECONDS);
		assertThat(order).containsExactly("first", "second");
		assertThat(this.locks.size()).isZero();
	}

	private Void takeAndRelease(String name, List<String> order) throws InterruptedException {
		IdLocks.Entry entry = this.locks.acquire("id", TimeUnit.SECONDS.toNanos(10));
		assertThat(entry).isNotNull();
		order.add(name);
		this.locks.release("id", entry);
		return null;
	}

	private static int queued(IdLocks.Entry entry) {
		return entry.getQueueLength();
	}

}
