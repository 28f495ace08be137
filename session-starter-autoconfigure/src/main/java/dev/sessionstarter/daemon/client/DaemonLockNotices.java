package dev.sessionstarter.daemon.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireCodec;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;

/**
 * The notice connection of a process that retains request locks: a thread that keeps one
 * connection of its own to the daemon asking {@code WANTED} (a long poll, answered at once when
 * another wants a lock this process retains, else empty after {@link #pollMillis}), releases what
 * is wanted ({@link DaemonRetainedLocks#wanted}), and between answers releases retained locks
 * whose trust lapsed. Retained locks are trusted only while this connection is up: when a call on
 * it fails, none retained until then is trusted any more, and it connects again after a pause. A
 * daemon older than protocol version 6 answers {@code WANTED} as an unknown operation: that is
 * logged once, and this process retains no lock. The connection first tells the daemon this
 * client's protocol version ({@code HELLO}): a daemon of version 7 then releases every lock this
 * process retains when this process closes the connection, or dies, so this process stops
 * trusting them before it closes it. While the connection is down it connects again after a
 * pause that doubles from half the client timeout up to {@link #MAX_PAUSE_MILLIS}; of the
 * failures to connect again, only the first of an outage is counted in the client's errors
 * ({@code sessions.daemon.errors}).
 */
final class DaemonLockNotices implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(DaemonSessionLockManager.class);

	/**
	 * The longest pause before connecting again while the connection is down (unless half the
	 * client timeout is longer).
	 */
	static final long MAX_PAUSE_MILLIS = 5000;

	private final DaemonClient client;

	private final DaemonRetainedLocks retained;

	private final long pollMillis;

	private final Thread thread;

	private volatile boolean closed;

	private volatile @Nullable DaemonConnection connection;

	/**
	 * How many times in a row the connection failed or could not be had; 0 once it answers.
	 * Only its thread uses it.
	 */
	private int failures;

	/**
	 * Whether a connect was tried since the connection last answered: a failure of the next one is
	 * not counted again. Only its thread uses it.
	 */
	private boolean connectTried;

	DaemonLockNotices(DaemonClient client, DaemonRetainedLocks retained) {
		this.client = client;
		this.retained = retained;
		this.pollMillis = Math.max(250, Math.min(10_000, retained.retainMillis() / 4));
		this.thread = new Thread(this::run, "session-daemon-lock-notices-" + client.getAddress());
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	private void run() {
		while (!this.closed) {
			try {
				if (!listen()) {
					return;
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (IOException | RuntimeException ex) {
				if (!this.closed) {
					logger.debug("The lock notice connection to the session daemon at " + this.client.getAddress()
							+ " failed; retained locks are not trusted until it is back", ex);
				}
			}
			finally {
				this.retained.down();
			}
			this.failures++;
			pause();
		}
	}

	/**
	 * Ask for notices on a connection of its own until it fails.
	 * @return {@code false} if the daemon does not know {@code WANTED}
	 */
	private boolean listen() throws IOException, InterruptedException {
		long timeoutNanos = this.client.getTimeout().toNanos();
		// a new connection, never an older pooled one: the daemon ignores WANTED on a connection older than the
		// client's latest notice connection (read late, the client closed it already)
		// a failed connect is counted in the client's errors once per outage: the first since it last answered
		boolean counted = !this.connectTried;
		this.connectTried = true;
		DaemonConnection connection = this.client.calls().borrowNew(System.nanoTime() + timeoutNanos,
				System.nanoTime() + timeoutNanos, Opcodes.WANTED, counted);
		this.connection = connection;
		try {
			connection.protocolVersion(System.nanoTime() + timeoutNanos);
			if (this.closed || poll(connection, 0, timeoutNanos) == null) {
				return false;
			}
			this.retained.up();
			this.failures = 0;
			this.connectTried = false;
			while (!this.closed) {
				List<Wanted> wanted = poll(connection, this.pollMillis, timeoutNanos);
				if (wanted == null) {
					return false;
				}
				wanted.forEach((lock) -> this.retained.wanted(lock.sessionId(), lock.token()));
				this.retained.releaseUntrusted();
			}
			return true;
		}
		finally {
			// trust ends before the connection closes: the daemon releases the locks once it is closed
			this.retained.distrust();
			this.connection = null;
			this.client.calls().release(connection, false);
		}
	}

	private @Nullable List<Wanted> poll(DaemonConnection connection, long waitMillis, long timeoutNanos)
			throws IOException {
		WireOutput request = WireOutput.frame(Opcodes.WANTED).writeLong(this.retained.clientId()).writeLong(waitMillis);
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis) + timeoutNanos;
		this.retained.upUntil(deadline);
		return connection.exchange(request, deadline, this::answer);
	}

	private @Nullable List<Wanted> answer(byte status, WireInput payload) throws ProtocolException {
		if (status == Opcodes.ERROR) {
			String message = payload.readString();
			if (Opcodes.isUnknownOperation(message)) {
				logger.info("The session daemon at " + this.client.getAddress() + " predates protocol version 6 ("
						+ message + "): request locks are not retained (sessions.daemon.lock-retain is ignored)");
				return null;
			}
			throw new IllegalStateException("The session daemon refused WANTED: " + message);
		}
		DaemonAnswers.expect(Opcodes.OK, status, payload, Opcodes.WANTED);
		int count = payload.readCount(13);
		List<Wanted> wanted = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			wanted.add(new Wanted(WireCodec.readId(payload), payload.readLong()));
		}
		payload.requireEnd();
		return wanted;
	}

	private void pause() {
		synchronized (this) {
			try {
				if (!this.closed) {
					wait(pauseMillis(this.client.getTimeout().toMillis(), this.failures));
				}
			}
			catch (InterruptedException ex) {
				this.closed = true;
			}
		}
	}

	/**
	 * Return the pause before connecting again.
	 * @param timeoutMillis the client timeout
	 * @param failures how many times in a row the connection failed or could not be had, at least 1
	 * @return half the timeout (at least 100ms), doubled for each failure after the first, at most
	 * {@link #MAX_PAUSE_MILLIS} (or half the timeout if that is longer)
	 */
	static long pauseMillis(long timeoutMillis, int failures) {
		long first = Math.max(100, timeoutMillis / 2);
		long pause = first << Math.min(16, Math.max(0, failures - 1));
		return Math.max(first, Math.min(MAX_PAUSE_MILLIS, pause));
	}

	/**
	 * Stop listening; retained locks are not trusted from then on.
	 */
	@Override
	public void close() {
		synchronized (this) {
			this.closed = true;
			notifyAll();
		}
		this.retained.distrust();
		DaemonConnection connection = this.connection;
		if (connection != null) {
			connection.close();
		}
		this.retained.down();
	}

	private record Wanted(String sessionId, long token) {
	}

}
