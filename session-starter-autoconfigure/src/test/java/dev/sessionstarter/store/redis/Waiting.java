package dev.sessionstarter.store.redis;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import static org.awaitility.Awaitility.await;

/**
 * A call of a test that waits for a lock, on a thread of its own, so that the test can tell when
 * it waits for a released lock ({@link LockWaiter#await}) between its attempts, not while one of
 * them is on the way.
 *
 * @param <T> the type of its result
 */
final class Waiting<T> {

	private final CompletableFuture<T> result = new CompletableFuture<>();

	private final Thread thread;

	private Waiting(Callable<T> call) {
		this.thread = new Thread(() -> {
			try {
				this.result.complete(call.call());
			}
			catch (Throwable ex) {
				this.result.completeExceptionally(ex);
			}
		}, "test-waiting");
		this.thread.setDaemon(true);
	}

	/**
	 * Start a call on a thread of its own.
	 * @param <T> the type of its result
	 * @param call the call
	 * @return the waiting call
	 */
	static <T> Waiting<T> start(Callable<T> call) {
		Waiting<T> waiting = new Waiting<>(call);
		waiting.thread.start();
		return waiting;
	}

	/**
	 * Wait until the call waits for a released lock.
	 */
	void awaitParked() {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> Arrays.stream(this.thread.getStackTrace())
				.anyMatch((frame) -> frame.getClassName().equals(LockWaiter.class.getName())
						&& frame.getMethodName().equals("await")));
	}

	/**
	 * Wait for the call's result, failing if it does not come within a time.
	 * @param within the longest wait
	 * @return the result
	 * @throws Exception what the call threw
	 */
	T get(Duration within) throws Exception {
		await().atMost(within).until(this.result::isDone);
		return this.result.get();
	}

}
