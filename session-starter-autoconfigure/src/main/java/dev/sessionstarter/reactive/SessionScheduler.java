package dev.sessionstarter.reactive;

import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The bounded scheduler on which a reactive application makes the session calls that may block
 * (a store's I/O, a wait for a session lock), so that no event-loop thread waits:
 * {@link Schedulers#DEFAULT_BOUNDED_ELASTIC_SIZE} daemon threads named {@code sessions-N}, and at
 * most {@link Schedulers#DEFAULT_BOUNDED_ELASTIC_QUEUESIZE} calls queued for them (more are
 * refused with an error). Handing a call over takes no lock and starts no thread.
 *
 * <p>Unlike Reactor's bounded elastic scheduler, it never interrupts a thread when a call is
 * cancelled: the rest of a request runs on the thread that delivered its session, and WebFlux
 * cancels that call as soon as it has the session ({@code Flux.next()}); an interrupt would land
 * on the request's own code, and would close the file channels of the file store.
 */
public final class SessionScheduler implements AutoCloseable {

	/**
	 * The prefix of the names of its threads.
	 */
	public static final String THREAD_NAME_PREFIX = "sessions-";

	private final ThreadPoolExecutor executor;

	private final AtomicInteger pending = new AtomicInteger();

	private final int maxPending;

	private final Scheduler scheduler;

	/**
	 * Create a scheduler with the default bounds.
	 */
	public SessionScheduler() {
		this(Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE, Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE);
	}

	/**
	 * Create a scheduler.
	 * @param threads the number of threads, all started at once (so that handing a call over
	 * never starts a thread)
	 * @param queued the most calls waiting for a thread
	 */
	public SessionScheduler(int threads, int queued) {
		// a lock-free queue: an event loop hands calls over without ever waiting for a lock
		this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
				new LinkedTransferQueue<>(), new Threads());
		this.executor.prestartAllCoreThreads();
		this.maxPending = threads + queued;
		// a plain Executor, so that Reactor cancels a call without interrupting its thread
		this.scheduler = Schedulers.fromExecutor(this::execute);
	}

	private void execute(Runnable call) {
		if (this.pending.incrementAndGet() > this.maxPending) {
			this.pending.decrementAndGet();
			throw new RejectedExecutionException("Too many session calls waiting for a thread");
		}
		this.executor.execute(() -> {
			try {
				call.run();
			}
			finally {
				this.pending.decrementAndGet();
			}
		});
	}

	/**
	 * Return the scheduler.
	 * @return the scheduler
	 */
	public Scheduler get() {
		return this.scheduler;
	}

	/**
	 * Stop its threads once the calls they run are done.
	 */
	@Override
	public void close() {
		this.scheduler.dispose();
		this.executor.shutdown();
	}

	private static final class Threads implements ThreadFactory {

		private final AtomicInteger count = new AtomicInteger();

		@Override
		public Thread newThread(Runnable task) {
			Thread thread = new Thread(task, THREAD_NAME_PREFIX + this.count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		}

	}

}
