package dev.sessionstarter.reactive;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import org.springframework.util.Assert;

import dev.sessionstarter.lock.LockStatistics;
import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.StoreUnavailableException;

/**
 * Takes and releases the locks of one request for {@link SessionLockWebFilter} without blocking
 * the calling thread: a non-blocking manager is tried at once, and a wait, or a manager that may
 * block, runs on a bounded scheduler. Several ids are locked in the order given, with one timeout
 * for all.
 */
final class RequestLocks {

	private final SessionLockManager manager;

	private final LockStatistics statistics;

	private final Scheduler scheduler;

	private volatile long timeoutNanos = Duration.ofSeconds(5).toNanos();

	RequestLocks(SessionLockManager manager, LockStatistics statistics, Scheduler scheduler) {
		Assert.notNull(manager, "'manager' must not be null");
		Assert.notNull(statistics, "'statistics' must not be null");
		Assert.notNull(scheduler, "'scheduler' must not be null");
		this.manager = manager;
		this.statistics = statistics;
		this.scheduler = scheduler;
	}

	void setTimeoutNanos(long timeoutNanos) {
		this.timeoutNanos = timeoutNanos;
	}

	/**
	 * Take the locks of the session ids at once, on the calling thread, if the manager never
	 * blocks and none of them is held elsewhere.
	 * @param sessionIds valid session ids, sorted
	 * @return the held locks, or {@code null} if they must be waited for with {@link #acquire}
	 * (none is held then)
	 */
	@Nullable Held tryAcquire(List<String> sessionIds) {
		if (!this.manager.isNonBlocking()) {
			return null;
		}
		List<SessionLock> locks = new ArrayList<>(sessionIds.size());
		for (String sessionId : sessionIds) {
			SessionLock lock = tryNow(sessionId, locks);
			if (lock == null) {
				SessionLock.releaseAll(locks);
				return null;
			}
			locks.add(lock);
		}
		// had at once, without a wait: as the servlet filter records it, untimed
		this.statistics.recordWait(0, true);
		return new Held(locks, false, null);
	}

	/**
	 * Take the locks of the session ids, in their order, waiting on the scheduler.
	 * @param sessionIds valid session ids, sorted
	 * @return the held locks; none if they could not be had in time
	 * ({@link Held#timedOut()}) or asked for ({@link Held#failure()})
	 */
	Mono<Held> acquire(List<String> sessionIds) {
		long start = System.nanoTime();
		return Mono.fromCallable(() -> acquireBlocking(sessionIds, start))
			.subscribeOn(this.scheduler)
			.onErrorResume(StoreUnavailableException.class, (ex) -> Mono.just(new Held(List.of(), false, ex)))
			.doOnDiscard(Held.class, (held) -> held.release());
	}

	private @Nullable SessionLock tryNow(String sessionId, List<SessionLock> locks) {
		try {
			return this.manager.tryLock(sessionId, Duration.ZERO);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (RuntimeException | Error ex) {
			SessionLock.releaseAll(locks);
			throw ex;
		}
	}

	private Held acquireBlocking(List<String> sessionIds, long start) throws InterruptedException {
		List<SessionLock> locks = new ArrayList<>(sessionIds.size());
		try {
			for (String sessionId : sessionIds) {
				long remaining = Math.max(0, this.timeoutNanos - (System.nanoTime() - start));
				SessionLock lock = this.manager.tryLock(sessionId, Duration.ofNanos(remaining));
				if (lock == null) {
					SessionLock.releaseAll(locks);
					this.statistics.recordWait(System.nanoTime() - start, false);
					return new Held(List.of(), true, null);
				}
				locks.add(lock);
			}
		}
		catch (InterruptedException | RuntimeException | Error ex) {
			SessionLock.releaseAll(locks);
			throw ex;
		}
		this.statistics.recordWait(System.nanoTime() - start, true);
		return new Held(locks, false, null);
	}

	/**
	 * Release held locks, on the calling thread if the manager never blocks, else on the scheduler.
	 * @param held the locks
	 * @return completes when they are released
	 */
	Mono<Void> release(Held held) {
		if (held.locks.isEmpty() || this.manager.isNonBlocking()) {
			held.release();
			return Mono.empty();
		}
		return Mono.<Void>fromRunnable(held::release).subscribeOn(this.scheduler);
	}

	/**
	 * The locks one request holds, released once.
	 */
	static final class Held {

		private final List<SessionLock> locks;

		private final boolean timedOut;

		private final @Nullable StoreUnavailableException failure;

		private final AtomicBoolean released = new AtomicBoolean();

		Held(List<SessionLock> locks, boolean timedOut, @Nullable StoreUnavailableException failure) {
			this.locks = locks;
			this.timedOut = timedOut;
			this.failure = failure;
		}

		boolean timedOut() {
			return this.timedOut;
		}

		@Nullable StoreUnavailableException failure() {
			return this.failure;
		}

		boolean isReleased() {
			return this.released.get();
		}

		void release() {
			if (this.released.compareAndSet(false, true)) {
				SessionLock.releaseAll(this.locks);
			}
		}

	}

}
