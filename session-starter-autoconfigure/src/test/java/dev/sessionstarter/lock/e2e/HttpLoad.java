package dev.sessionstarter.lock.e2e;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * Real HTTP load on {@link LockTestApplication}: threads that each send one request after the
 * other, with a session of their own or shared with other threads, until closed, and record how
 * every request ended and how long it took. A request the server does not answer within the
 * client's 30 seconds is recorded as failed, so a hang shows instead of stalling the test.
 */
final class HttpLoad implements AutoCloseable {

	private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running = true;

	/**
	 * Start the threads.
	 * @param client the client
	 * @param path the path each request asks for
	 * @param sessions the sessions; thread {@code t} sends the session {@code t % sessions.size()}
	 * @param threads the number of threads
	 */
	HttpLoad(SessionClient client, String path, List<String> sessions, int threads) {
		for (int t = 0; t < threads; t++) {
			int number = t;
			String session = sessions.get(t % sessions.size());
			Thread thread = new Thread(() -> {
				while (this.running) {
					long start = System.nanoTime();
					try {
						HttpResponse<String> response = client.get(path, session);
						this.outcomes.add(new Outcome(number, start, System.nanoTime(), response.statusCode(),
								response.body(), null));
					}
					catch (Exception ex) {
						this.outcomes.add(new Outcome(number, start, System.nanoTime(), 0, "", ex));
					}
				}
			}, "http-load-" + t);
			this.threads.add(thread);
			thread.start();
		}
	}

	/**
	 * Return how every request ended so far.
	 * @return the outcomes, in the order they ended
	 */
	List<Outcome> outcomes() {
		return List.copyOf(this.outcomes);
	}

	/**
	 * Return how many requests ended as a predicate says.
	 * @param predicate the predicate
	 * @return the number
	 */
	long count(Predicate<Outcome> predicate) {
		return this.outcomes.stream().filter(predicate).count();
	}

	/**
	 * Return whether every thread has had a request that started after a time and was answered
	 * 200.
	 * @param since the time, as {@link System#nanoTime()}
	 * @return whether each thread succeeded since
	 */
	boolean eachThreadSucceededSince(long since) {
		for (int t = 0; t < this.threads.size(); t++) {
			int thread = t;
			if (count((outcome) -> outcome.thread() == thread && outcome.start() > since
					&& outcome.status() == 200) == 0) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Stop the threads once their current request ended, waiting a minute at the most.
	 */
	@Override
	public void close() throws InterruptedException {
		this.running = false;
		for (Thread thread : this.threads) {
			thread.join(TimeUnit.MINUTES.toMillis(1));
		}
	}

	/**
	 * How one request ended.
	 * @param thread the number of the thread that sent it
	 * @param start when it was sent, as {@link System#nanoTime()}
	 * @param end when it ended
	 * @param status its status, {@code 0} if it failed
	 * @param body its body
	 * @param failure why it failed, if it did (no answer in time, connection refused)
	 */
	record Outcome(int thread, long start, long end, int status, String body, @Nullable Exception failure) {

		Duration duration() {
			return Duration.ofNanos(this.end - this.start);
		}

		@Override
		public String toString() {
			return "thread " + this.thread + ": " + ((this.failure != null) ? this.failure : this.status) + " after "
					+ duration().toMillis() + " ms: " + this.body.strip();
		}

	}

}
