package dev.sessionstarter.daemon.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.WireOutput;

/**
 * Whether the daemon answers, watched while calls wait long for their answer (a lock that
 * another process holds): while any such call waits, a thread pings the daemon every quarter of
 * the client timeout, each ping due one timeout after the daemon last answered. When one is not
 * answered by then (the daemon froze or died), the waiting calls are ended at once, as if their
 * deadline had passed, rather than at the end of their wait. Thread-safe.
 */
final class DaemonLiveness {

	private final DaemonClient client;

	private final long timeoutNanos;

	private final List<Waiter> waiters = new ArrayList<>();

	private boolean closed;

	private volatile long lastAnswer = System.nanoTime();

	private @Nullable Thread pinger;

	DaemonLiveness(DaemonClient client, long timeoutNanos) {
		this.client = client;
		this.timeoutNanos = timeoutNanos;
	}

	/**
	 * Watch a call that begins a long wait on a connection; the daemon has just answered.
	 * @param connection the connection the call waits on
	 * @return the watch, to {@link Waiter#end() end} when the call returns
	 */
	synchronized Waiter watch(DaemonConnection connection) {
		this.lastAnswer = System.nanoTime();
		Waiter waiter = new Waiter(connection);
		this.waiters.add(waiter);
		if (this.pinger == null && !this.closed) {
			Thread pinger = new Thread(this::run, "session-daemon-liveness-" + this.client.getAddress());
			pinger.setDaemon(true);
			pinger.start();
			this.pinger = pinger;
		}
		notifyAll();
		return waiter;
	}

	synchronized void close() {
		this.closed = true;
		notifyAll();
	}

	private void run() {
		long interval = Math.max(TimeUnit.MILLISECONDS.toNanos(10), this.timeoutNanos / 4);
		try {
			while (awaitWaiters()) {
				long sent = System.nanoTime();
				if (ping(this.lastAnswer + this.timeoutNanos)) {
					this.lastAnswer = Math.max(this.lastAnswer, sent);
				}
				TimeUnit.NANOSECONDS.sleep(interval);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Ping by a deadline; end every waiting call if the daemon did not answer.
	 * @return whether it answered
	 */
	private boolean ping(long deadline) throws InterruptedException {
		try {
			DaemonCalls.Answer<Void> answer = this.client.calls()
				.exchange(WireOutput.frame(Opcodes.PING), deadline, deadline, (status, payload) -> {
					DaemonAnswers.expect(Opcodes.OK, status, payload, Opcodes.PING);
					return null;
				});
			this.client.calls().release(answer.connection(), true);
			return true;
		}
		catch (DaemonUnavailableException ex) {
			if (!(ex.getCause() instanceof DaemonConnectionPool.BusyException)) {
				endWaits();
			}
			return false;
		}
		catch (IllegalStateException ex) {
			close();
			return false;
		}
	}

	private synchronized void endWaits() {
		for (Waiter waiter : this.waiters) {
			waiter.ended = true;
			waiter.connection.guard.fireNow();
		}
	}

	private synchronized boolean awaitWaiters() throws InterruptedException {
		while (this.waiters.isEmpty() && !this.closed) {
			wait();
		}
		return !this.closed;
	}

	/**
	 * The watch of one waiting call.
	 */
	final class Waiter {

		private final DaemonConnection connection;

		private boolean ended;

		Waiter(DaemonConnection connection) {
			this.connection = connection;
		}

		/**
		 * Stop watching the call.
		 * @return whether it was ended because the daemon stopped answering: its connection
		 * is then closed, or about to be, even if an answer came meanwhile
		 */
		boolean end() {
			synchronized (DaemonLiveness.this) {
				DaemonLiveness.this.waiters.remove(this);
				return this.ended;
			}
		}

	}

}
