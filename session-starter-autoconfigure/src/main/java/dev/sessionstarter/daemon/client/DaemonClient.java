package dev.sessionstarter.daemon.client;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.daemon.protocol.ChannelWatchdog;
import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.daemon.protocol.DaemonStats;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireCodec;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;

/**
 * The calls to one session daemon, made over the connections of a {@link DaemonConnectionPool}.
 *
 * <p>No call can hang: each has a deadline (the client timeout) that covers waiting for a
 * pooled connection, connecting, writing the request and reading the answer; a
 * {@link ChannelWatchdog} closes the channel of a call that runs past it. A failure is a
 * {@link DaemonUnavailableException} naming the address, and is counted in
 * {@link #getErrorCount()}. A connection that fails is closed, together with the idle ones
 * (they predate a daemon restart, most likely), and later calls connect again, so the client
 * recovers by itself when the daemon is back. A call that fails on a reused idle connection
 * before anything was read is retried once on a fresh one within the same deadline.
 *
 * <p>Thread-safe. Connections are made when needed, at most {@code maxConnections} at once,
 * and at most {@code maxIdle} are kept open between calls.
 */
public final class DaemonClient implements AutoCloseable {

	/**
	 * The default timeout of one call.
	 */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

	private final DaemonAddress address;

	private final Duration timeout;

	private final long timeoutNanos;

	/**
	 * The shared token the pool's connections authenticate with, {@code null} if none.
	 */
	private final @Nullable String token;

	private final DaemonConnectionPool pool;

	private final LongAdder errors = new LongAdder();

	private final DaemonLiveness liveness;

	/**
	 * Create a client; it connects on the first call.
	 * @param address the daemon's address
	 * @param timeout the deadline of each call, greater than zero
	 * @param maxConnections the most connections open at once, at least 1
	 * @param maxIdle the most connections kept open between calls, at least 1
	 * @param token the shared token the daemon expects, or {@code null} if it expects none
	 */
	public DaemonClient(DaemonAddress address, Duration timeout, int maxConnections, int maxIdle,
			@Nullable String token) {
		Assert.notNull(address, "'address' must not be null");
		Assert.isTrue(timeout != null && !timeout.isNegative() && !timeout.isZero(),
				"'timeout' must be greater than zero");
		Assert.isTrue(maxConnections >= 1, "'maxConnections' must be at least 1");
		Assert.isTrue(maxIdle >= 1, "'maxIdle' must be at least 1");
		this.address = address;
		this.timeout = timeout;
		this.timeoutNanos = timeout.toNanos();
		this.token = token;
		this.pool = new DaemonConnectionPool(address, maxConnections, maxIdle, this.token);
		this.liveness = new DaemonLiveness(this, this.timeoutNanos);
	}

	/**
	 * Make the connections made from now on say they belong to a client that retains request
	 * locks ({@code CLIENT}, protocol version 6), so that their writes never wait for its own
	 * retained locks in the daemon; idle ones are closed, so that every connection used after
	 * this says it.
	 * @param clientId the client id, not 0
	 */
	void identify(long clientId) {
		this.pool.clientId = clientId;
		this.pool.closeIdleConnections();
	}

	/**
	 * Return the watch on whether the daemon answers, for calls that wait long.
	 * @return the liveness watch
	 */
	DaemonLiveness liveness() {
		return this.liveness;
	}

	/**
	 * Check that the daemon answers.
	 * @throws DaemonUnavailableException if it does not within the timeout
	 */
	public void ping() {
		call(WireOutput.frame(Opcodes.PING), (status, payload) -> {
			DaemonAnswers.expect(Opcodes.OK, status, payload, Opcodes.PING);
			return null;
		});
	}

	/**
	 * Ask the daemon for its statistics.
	 * @return the statistics
	 * @throws DaemonUnavailableException if it does not answer within the timeout
	 */
	public DaemonStats stats() {
		return call(WireOutput.frame(Opcodes.STATS), (status, payload) -> {
			DaemonAnswers.expect(Opcodes.OK, status, payload, Opcodes.STATS);
			return WireCodec.readStats(payload);
		});
	}

	/**
	 * Send one request and read its answer, within the client timeout.
	 * @param <T> the result type
	 * @param request the request frame
	 * @param handler reads the answer
	 * @return what the handler returned
	 * @throws DaemonUnavailableException if the daemon cannot be reached or does not answer in time
	 */
	public <T> T call(WireOutput request, ResponseHandler<T> handler) {
		long deadline = System.nanoTime() + this.timeoutNanos;
		Answer<T> answer;
		try {
			answer = exchange(request, deadline, deadline, handler);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw failure(request.opcode(), null, ex);
		}
		release(answer.connection(), true);
		return answer.value();
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
	<T> Answer<T> exchange(WireOutput request, long waitDeadline, long deadline, ResponseHandler<T> handler)
			throws InterruptedException {
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

	DaemonConnection borrow(long waitDeadline, long connectDeadline, byte opcode)
			throws InterruptedException {
		try {
			return this.pool.borrow(waitDeadline, connectDeadline);
		}
		catch (IOException ex) {
			throw failure(opcode, null, ex);
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
	 */
	DaemonUnavailableException failure(byte opcode, @Nullable DaemonConnection connection, Exception cause) {
		this.errors.increment();
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

	/**
	 * Return the daemon's address.
	 * @return the address
	 */
	public DaemonAddress getAddress() {
		return this.address;
	}

	/**
	 * Return the deadline of each call.
	 * @return the timeout
	 */
	public Duration getTimeout() {
		return this.timeout;
	}

	/**
	 * Return how many calls failed since this client was created.
	 * @return the failures
	 */
	public long getErrorCount() {
		return this.errors.sum();
	}

	/**
	 * Return how many connections were made since this client was created.
	 * @return the connections made
	 */
	public long getConnectCount() {
		return this.pool.connectCount();
	}

	/**
	 * Return how many connections are open now.
	 * @return the open connections
	 */
	public int getOpenConnections() {
		return this.pool.openConnections();
	}

	/**
	 * Close every idle connection and stop; connections in use close when given back.
	 */
	@Override
	public void close() {
		this.liveness.close();
		this.pool.close();
	}

	/**
	 * Reads the answer to one request.
	 * @param <T> the result type
	 */
	@FunctionalInterface
	public interface ResponseHandler<T> {

		/**
		 * Read an answer.
		 * @param status the status byte
		 * @param payload the rest of the frame
		 * @return the result
		 * @throws ProtocolException if the answer is malformed
		 */
		T handle(byte status, WireInput payload) throws ProtocolException;

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
