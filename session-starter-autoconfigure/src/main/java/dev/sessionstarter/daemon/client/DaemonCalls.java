package dev.sessionstarter.daemon.client;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireOutput;

/**
 * One exchange with the daemon over a pooled connection: borrowing it by a deadline, sending the
 * request and reading its answer, retrying once on a fresh connection when a reused one failed
 * before any answer, giving the connection back; and the naming and counting of a failed call
 * as a {@link DaemonUnavailableException}. Thread-safe.
 */
final class DaemonCalls {

	private final DaemonAddress address;

	private final Duration timeout;

	private final DaemonConnectionPool pool;

	private final LongAdder errors = new LongAdder();

	DaemonCalls(DaemonAddress address, Duration timeout, DaemonConnectionPool pool) {
		this.address = address;
		this.timeout = timeout;
		this.pool = pool;
	}

	/**
	 * Send one request on a pooled connection and read its answer by a deadline, retrying once
	 * on a fresh connection when a reused one failed before anything was read. On success the
	 * connection stays borrowed, so that a caller can keep it (a held lock lives as long as its
	 * connection): give it back with {@link #release}.
	 * @param <T> the result type
	 * @param request the request frame
	 * @param waitDeadline until when to wait for a free connection, a {@link System#nanoTime()} value
	 * @param deadline until when connecting and the exchange may take, a {@link System#nanoTime()} value
	 * @param handler reads the answer
	 * @return the handler's result and the connection it came on
	 * @throws InterruptedException if interrupted while waiting for a connection or the answer
	 * @throws DaemonUnavailableException if the daemon cannot be reached or does not answer in time
	 */
	<T> Answer<T> exchange(WireOutput request, long waitDeadline, long deadline,
			DaemonResponseHandler<T> handler) throws InterruptedException {
		byte opcode = request.opcode();
		for (int attempt = 0;; attempt++) {
			DaemonConnection connection = borrow(waitDeadline, deadline, opcode);
			boolean kept = false;
			boolean healthy = false;
			try {
				T value = connection.exchange(request, deadline, handler);
				kept = true;
				return new Answer<>(value, connection);
			}
			catch (ClosedByInterruptException ex) {
				Thread.interrupted();
				InterruptedException interrupted = new InterruptedException(
						"Interrupted while waiting for the session daemon at " + this.address + " to answer "
								+ Opcodes.requestName(opcode));
				interrupted.initCause(ex);
				throw interrupted;
			}
			catch (IOException ex) {
				if (attempt == 0 && worthRetrying(connection, ex, deadline)) {
					continue;
				}
				throw failure(opcode, connection, ex);
			}
			catch (RuntimeException ex) {
				healthy = connection.answered;
				throw ex;
			}
			finally {
				if (!kept) {
					release(connection, healthy);
				}
			}
		}
	}

	/**
	 * Whether a failed exchange is worth one more try on a fresh connection: it failed on a
	 * reused connection before any answer, not by the deadline nor as a malformed answer.
	 */
	static boolean worthRetrying(DaemonConnection connection, IOException ex, long deadline) {
		return connection.reused && !connection.guard.fired() && !connection.answered
				&& !(ex instanceof ProtocolException) && System.nanoTime() - deadline < 0;
	}

	/**
	 * Borrow a pooled connection, or connect a new one.
	 * @param waitDeadline until when to wait for a free connection
	 * @param connectDeadline until when connecting may take
	 * @param opcode the request it is for, to name in a failure
	 * @return the connection; give it back with {@link #release}
	 * @throws InterruptedException if interrupted while waiting
	 * @throws DaemonUnavailableException if no connection could be had
	 */
	DaemonConnection borrow(long waitDeadline, long connectDeadline, byte opcode) throws InterruptedException {
		try {
			return this.pool.borrow(waitDeadline, connectDeadline);
		}
		catch (IOException ex) {
			throw failure(opcode, null, ex);
		}
	}

	/**
	 * Connect a new connection, never an idle pooled one (a notice connection: the daemon takes a
	 * client's latest by the order it accepted them, {@link DaemonLockNotices}), counting a failure
	 * in {@link #errorCount()} only if asked to (a notice connection that failed to reconnect
	 * already in the same outage is not counted again).
	 * @param waitDeadline until when to wait for a permit
	 * @param connectDeadline until when connecting may take
	 * @param opcode the request it is for, to name in a failure
	 * @param counted whether a failure is counted
	 * @return the connection; give it back with {@link #release}
	 * @throws InterruptedException if interrupted while waiting
	 * @throws DaemonUnavailableException if no connection could be had
	 */
	DaemonConnection borrowNew(long waitDeadline, long connectDeadline, byte opcode, boolean counted)
			throws InterruptedException {
		try {
			return this.pool.borrowNew(waitDeadline, connectDeadline);
		}
		catch (IOException ex) {
			throw counted ? failure(opcode, null, ex) : unavailable(opcode, null, ex);
		}
	}

	/**
	 * Borrow a given pooled connection if it is idle now; give it back with {@link #release}.
	 * @param connection the connection
	 * @return whether it was borrowed
	 */
	boolean borrowIdle(DaemonConnection connection) {
		return this.pool.borrowIdle(connection);
	}

	/**
	 * Give back a connection that {@link #exchange} left borrowed.
	 * @param connection the connection
	 * @param healthy whether it can be used again; if not it is closed, and so are the idle ones
	 */
	void release(DaemonConnection connection, boolean healthy) {
		this.pool.giveBack(connection, healthy);
	}

	/**
	 * Build the exception for a failed call, count it, and name what failed.
	 * @param opcode the request that failed
	 * @param connection the connection it failed on, if any
	 * @param cause the failure
	 * @return the exception to throw
	 */
	DaemonUnavailableException failure(byte opcode, @Nullable DaemonConnection connection, Exception cause) {
		this.errors.increment();
		return unavailable(opcode, connection, cause);
	}

	private DaemonUnavailableException unavailable(byte opcode, @Nullable DaemonConnection connection,
			Exception cause) {
		String operation = Opcodes.requestName(opcode);
		String message;
		if (cause instanceof DaemonConnection.DeadlineException || (connection != null && connection.guard.fired())) {
			message = "Session daemon at " + this.address + " did not answer " + operation + " within "
					+ this.timeout.toMillis() + "ms";
		}
		else if (cause instanceof InterruptedException || cause instanceof ClosedByInterruptException) {
			message = operation + " to the session daemon at " + this.address + " was interrupted";
		}
		else {
			message = "Session daemon at " + this.address + " is unavailable (" + operation + " failed: "
					+ cause.getMessage() + ")";
		}
		return new DaemonUnavailableException(this.address, message, cause);
	}

	long errorCount() {
		return this.errors.sum();
	}

	/**
	 * Return how many connections were given back unhealthy (see {@link DaemonConnectionPool#brokenCount}).
	 * @return the connections given back unhealthy
	 */
	long brokenConnectionCount() {
		return this.pool.brokenCount();
	}

	/**
	 * An answer, and the connection it came on, still borrowed.
	 * @param <T> the result type
	 * @param value what the response handler returned
	 * @param connection the connection
	 */
	record Answer<T>(T value, DaemonConnection connection) {
	}

}
