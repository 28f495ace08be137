package dev.sessionstarter.daemon.client;

import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Whether the daemon answers, watched while calls wait long for their answer (a lock that
 * another process holds): while any such call waits, a thread pings the daemon every quarter of
 * the client timeout, and {@link #aliveUntil()} is the time of the last answered ping plus the
 * timeout. A waiting call armed with it ends about one timeout after the daemon stopped
 * answering (it froze or died), not at the end of its wait. Thread-safe.
 */
final class DaemonLiveness {

	private final DaemonClient client;

	private final long timeoutNanos;

	private int watchers;

	private boolean closed;

	private volatile long lastAnswer = System.nanoTime();

	private @Nullable Thread pinger;

	DaemonLiveness(DaemonClient client, long timeoutNanos) {
		this.client = client;
		this.timeoutNanos = timeoutNanos;
	}

	/**
	 * Return until when the daemon counts as alive: one timeout after it last answered.
	 * @return a {@link System#nanoTime()} value
	 */
	long aliveUntil() {
		return this.lastAnswer + this.timeoutNanos;
	}

	/**
	 * Start watching, for a call that begins a long wait; the daemon has just answered.
	 */
	synchronized void watch() {
		this.lastAnswer = System.nanoTime();
		this.watchers++;
		if (this.pinger == null && !this.closed) {
			Thread pinger = new Thread(this::run, "session-daemon-liveness-" + this.client.getAddress());
			pinger.setDaemon(true);
			pinger.start();
			this.pinger = pinger;
		}
		notifyAll();
	}

	/**
	 * Stop watching for a call whose wait ended.
	 */
	synchronized void unwatch() {
		this.watchers--;
	}

	synchronized void close() {
		this.closed = true;
		notifyAll();
	}

	private void run() {
		long interval = Math.max(TimeUnit.MILLISECONDS.toNanos(10), this.timeoutNanos / 4);
		try {
			while (awaitWatchers()) {
				long sent = System.nanoTime();
				try {
					this.client.ping();
					this.lastAnswer = Math.max(this.lastAnswer, sent);
				}
				catch (DaemonUnavailableException ex) {
					// the waiting calls end by themselves once aliveUntil has passed
				}
				catch (IllegalStateException ex) {
					return;
				}
				TimeUnit.NANOSECONDS.sleep(interval);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private synchronized boolean awaitWatchers() throws InterruptedException {
		while (this.watchers == 0 && !this.closed) {
			wait();
		}
		return !this.closed;
	}

}
