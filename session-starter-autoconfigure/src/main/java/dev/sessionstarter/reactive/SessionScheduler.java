package dev.sessionstarter.reactive;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The bounded scheduler on which a reactive application makes the session calls that may block
 * (a store's I/O, a wait for a session lock), so that no event-loop thread waits: at most
 * {@link Schedulers#DEFAULT_BOUNDED_ELASTIC_SIZE} threads named {@code sessions-*}, and at most
 * {@link Schedulers#DEFAULT_BOUNDED_ELASTIC_QUEUESIZE} calls queued for them.
 */
public final class SessionScheduler implements AutoCloseable {

	/**
	 * The prefix of the names of its threads.
	 */
	public static final String THREAD_NAME_PREFIX = "sessions";

	private final Scheduler scheduler;

	/**
	 * Create a scheduler with new threads.
	 */
	public SessionScheduler() {
		this(Schedulers.newBoundedElastic(Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE,
				Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE, THREAD_NAME_PREFIX));
	}

	/**
	 * Create a scheduler that hands its work to another scheduler.
	 * @param scheduler the scheduler, disposed by {@link #close()}
	 */
	public SessionScheduler(Scheduler scheduler) {
		this.scheduler = scheduler;
	}

	/**
	 * Return the scheduler.
	 * @return the scheduler
	 */
	public Scheduler get() {
		return this.scheduler;
	}

	/**
	 * Stop its threads.
	 */
	@Override
	public void close() {
		this.scheduler.dispose();
	}

}
