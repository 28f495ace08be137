package dev.sessionstarter.daemon.client;

import java.io.IOException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.DaemonAddress;

/**
 * The connections of a {@link DaemonClient} to one daemon: opened (and authenticated) when
 * needed, at most {@code maxConnections} at once, at most {@code maxIdle} kept open between
 * calls, besides those that hold daemon locks ({@link DaemonConnection#holdsLocks()}), which are
 * kept open whatever their number, since closing one releases its locks. A connection given back
 * unhealthy is closed together with the idle ones that hold no lock (they predate a daemon
 * restart, most likely), so the next borrow connects again. Thread-safe.
 */
final class DaemonConnectionPool implements AutoCloseable {

	private final DaemonAddress address;

	private final Semaphore permits;

	private final int maxConnections;

	private final int maxIdle;

	private final LinkedBlockingDeque<DaemonConnection> idle = new LinkedBlockingDeque<>();

	private final DaemonConnector connector;

	private volatile boolean closed;

	/**
	 * How many connections were given back unhealthy (an exchange on them failed).
	 */
	private final LongAdder broken = new LongAdder();

	DaemonConnectionPool(DaemonAddress address, int maxConnections, int maxIdle, @Nullable String token) {
		this.address = address;
		this.permits = new Semaphore(maxConnections, true);
		this.maxConnections = maxConnections;
		this.maxIdle = maxIdle;
		this.connector = new DaemonConnector(address, token);
	}

	/**
	 * Borrow a connection: an idle one, or a new one, connected and authenticated. Give it
	 * back with {@link #giveBack}.
	 * @param waitDeadline until when to wait for a free connection, a {@link System#nanoTime()} value
	 * @param connectDeadline until when connecting may take, a {@link System#nanoTime()} value
	 * @return the connection
	 * @throws InterruptedException if interrupted while waiting for a connection
	 * @throws IOException if none became free in time, or connecting failed
	 * @throws IllegalStateException if the pool is closed
	 */
	DaemonConnection borrow(long waitDeadline, long connectDeadline) throws InterruptedException, IOException {
		return borrow(waitDeadline, connectDeadline, true);
	}

	/**
	 * Borrow a connection connected now, never an idle one.
	 * @param waitDeadline until when to wait for a permit
	 * @param connectDeadline until when connecting may take
	 * @return the connection; give it back with {@link #giveBack}
	 * @throws InterruptedException if interrupted while waiting
	 * @throws IOException if connecting fails
	 */
	DaemonConnection borrowNew(long waitDeadline, long connectDeadline) throws InterruptedException, IOException {
		return borrow(waitDeadline, connectDeadline, false);
	}

	private DaemonConnection borrow(long waitDeadline, long connectDeadline, boolean idle)
			throws InterruptedException, IOException {
		if (this.closed) {
			throw new IllegalStateException("The client of the session daemon at " + this.address + " is closed");
		}
		if (!this.permits.tryAcquire(Math.max(0, waitDeadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
			throw new BusyException(
					"all " + this.maxConnections + " connections are busy and none became free in time");
		}
		DaemonConnection connection = idle ? this.idle.pollFirst() : null;
		while (connection != null && connection.isClosed()) {
			// closed by another thread to release its locks
			connection = this.idle.pollFirst();
		}
		if (connection != null) {
			connection.reused = true;
			connection.answered = false;
			return connection;
		}
		try {
			return this.connector.connect(connectDeadline);
		}
		catch (IOException | RuntimeException ex) {
			this.permits.release();
			throw ex;
		}
	}

	/**
	 * Borrow one given connection if it is idle now, without waiting. Give it back with
	 * {@link #giveBack}.
	 * @param connection the connection
	 * @return whether it was borrowed
	 */
	boolean borrowIdle(DaemonConnection connection) {
		if (this.closed || !this.permits.tryAcquire()) {
			return false;
		}
		if (!connection.isClosed() && this.idle.remove(connection)) {
			connection.reused = true;
			connection.answered = false;
			return true;
		}
		this.permits.release();
		return false;
	}

	/**
	 * Give back a borrowed connection.
	 * @param connection the connection
	 * @param healthy whether it can be used again; if not it is closed, and so are the idle ones
	 */
	void giveBack(DaemonConnection connection, boolean healthy) {
		try {
			if (healthy && !this.closed && (this.idle.size() < this.maxIdle || connection.holdsLocks())) {
				this.idle.offerFirst(connection);
				if (this.closed) {
					closeIdle(true);
				}
			}
			else {
				connection.close();
				if (!healthy) {
					this.broken.increment();
					closeIdle(false);
				}
			}
		}
		finally {
			this.permits.release();
		}
	}

	/**
	 * Close the idle connections: all of them, or those that hold no daemon lock (a lock holder
	 * is closed only when an exchange of its own fails, or with the pool).
	 */
	private void closeIdle(boolean all) {
		for (DaemonConnection connection : this.idle) {
			if ((all || !connection.holdsLocks()) && this.idle.remove(connection)) {
				connection.close();
			}
		}
	}

	/**
	 * Close the idle connections that hold no lock.
	 */
	void closeIdleConnections() {
		closeIdle(false);
	}

	/**
	 * No connection became free in time: the pool is busy, the daemon may well be answering.
	 */
	static final class BusyException extends IOException {

		BusyException(String message) {
			super(message);
		}

	}

	/**
	 * Return what opens this pool's connections.
	 * @return the connector
	 */
	DaemonConnector connector() {
		return this.connector;
	}

	/**
	 * Return how many connections were given back unhealthy since this pool was created: one
	 * more may mean that the daemon was replaced.
	 * @return the connections given back unhealthy
	 */
	long brokenCount() {
		return this.broken.sum();
	}

	/**
	 * Close every idle connection and stop; borrowed connections close when given back.
	 */
	@Override
	public void close() {
		this.closed = true;
		closeIdle(true);
		this.connector.close();
	}

}
