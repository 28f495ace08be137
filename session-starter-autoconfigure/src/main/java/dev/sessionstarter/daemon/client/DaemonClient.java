package dev.sessionstarter.daemon.client;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.daemon.protocol.ChannelWatchdog;
import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.daemon.protocol.DaemonStats;
import dev.sessionstarter.daemon.protocol.FrameReader;
import dev.sessionstarter.daemon.protocol.Frames;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireCodec;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;

/**
 * A pool of connections to one session daemon, and the calls made over them.
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

	private final @Nullable String token;

	private final Semaphore permits;

	private final int maxConnections;

	private final int maxIdle;

	private final LinkedBlockingDeque<Connection> idle = new LinkedBlockingDeque<>();

	private final ChannelWatchdog watchdog;

	private final LongAdder errors = new LongAdder();

	private final LongAdder connects = new LongAdder();

	private final AtomicInteger open = new AtomicInteger();

	private volatile boolean closed;

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
		this.permits = new Semaphore(maxConnections, true);
		this.maxConnections = maxConnections;
		this.maxIdle = maxIdle;
		this.watchdog = new ChannelWatchdog("session-daemon-client-deadlines", Duration.ofMillis(10));
	}

	/**
	 * Check that the daemon answers.
	 * @throws DaemonUnavailableException if it does not within the timeout
	 */
	public void ping() {
		call(WireOutput.frame(Opcodes.PING), (status, payload) -> {
			expect(Opcodes.OK, status, payload, Opcodes.PING);
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
			expect(Opcodes.OK, status, payload, Opcodes.STATS);
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
		byte opcode = request.opcode();
		for (int attempt = 0;; attempt++) {
			Connection connection;
			try {
				connection = acquire(deadline, deadline, opcode);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw failure(opcode, null, ex);
			}
			boolean healthy = false;
			try {
				T result = exchange(connection, request, deadline, handler);
				healthy = true;
				return result;
			}
			catch (IOException ex) {
				if (attempt == 0 && connection.reused && !connection.guard.fired() && !connection.answered
						&& !(ex instanceof ProtocolException) && !(ex instanceof ClosedByInterruptException)
						&& System.nanoTime() - deadline < 0) {
					continue;
				}
				throw failure(opcode, connection, ex);
			}
			catch (RuntimeException ex) {
				healthy = connection.answered;
				throw ex;
			}
			finally {
				release(connection, healthy);
			}
		}
	}

	/**
	 * Take a connection for calls of one's own, such as a held lock that lives as long as its
	 * connection. Give it back with {@link #release}.
	 * @param waitDeadline until when to wait for a free connection, a {@link System#nanoTime()} value
	 * @param connectDeadline until when connecting may take, a {@link System#nanoTime()} value
	 * @param opcode the operation it is for, for messages
	 * @return a connected, authenticated connection
	 * @throws InterruptedException if interrupted while waiting for a connection
	 * @throws DaemonUnavailableException if none can be had by the deadline
	 */
	Connection acquire(long waitDeadline, long connectDeadline, byte opcode) throws InterruptedException {
		if (this.closed) {
			throw new IllegalStateException("The client of the session daemon at " + this.address + " is closed");
		}
		if (!this.permits.tryAcquire(Math.max(0, waitDeadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
			throw failure(opcode, null, new IOException("all " + this.maxConnections
					+ " connections are busy and none became free in time"));
		}
		Connection connection = this.idle.pollFirst();
		if (connection != null) {
			connection.reused = true;
			connection.answered = false;
			return connection;
		}
		try {
			return connect(connectDeadline);
		}
		catch (IOException ex) {
			this.permits.release();
			throw failure(opcode, null, ex);
		}
		catch (RuntimeException ex) {
			this.permits.release();
			throw ex;
		}
	}

	private Connection connect(long deadline) throws IOException {
		SocketChannel channel = this.address.openChannel();
		Connection connection = new Connection(channel, this.watchdog.guard(channel));
		this.open.incrementAndGet();
		boolean connected = false;
		try {
			connection.guard.armAt(deadline);
			channel.connect(this.address.socketAddress());
			if (this.token != null) {
				exchange(connection, WireOutput.frame(Opcodes.AUTH).writeString(this.token), deadline,
						(status, payload) -> {
							if (status == Opcodes.DENIED) {
								throw new ProtocolException("the daemon rejected the token");
							}
							expect(Opcodes.OK, status, payload, Opcodes.AUTH);
							return null;
						});
			}
			connection.guard.disarm();
			this.connects.increment();
			connected = true;
			return connection;
		}
		finally {
			if (!connected) {
				connection.close();
			}
		}
	}

	/**
	 * Give back a connection taken with {@link #acquire}.
	 * @param connection the connection
	 * @param healthy whether it can be used again; if not it is closed, and so are the idle ones
	 */
	void release(Connection connection, boolean healthy) {
		try {
			if (healthy && !this.closed && this.idle.size() < this.maxIdle) {
				this.idle.offerFirst(connection);
				if (this.closed) {
					closeIdle();
				}
			}
			else {
				connection.close();
				if (!healthy) {
					closeIdle();
				}
			}
		}
		finally {
			this.permits.release();
		}
	}

	/**
	 * Send one request on a connection and read its answer by a deadline.
	 * @param <T> the result type
	 * @param connection the connection
	 * @param request the request
	 * @param deadline the deadline, a {@link System#nanoTime()} value
	 * @param handler reads the answer
	 * @return the handler's result
	 * @throws IOException if the exchange fails or the deadline passes
	 */
	<T> T exchange(Connection connection, WireOutput request, long deadline, ResponseHandler<T> handler)
			throws IOException {
		connection.guard.armAt(deadline);
		try {
			Frames.write(connection.channel, request);
			WireInput response = connection.reader.read(connection.channel);
			if (response == null) {
				throw new IOException("the daemon closed the connection");
			}
			connection.answered = true;
			connection.guard.disarm();
			byte status = response.readByte();
			T result = handler.handle(status, response);
			response.requireEnd();
			return result;
		}
		catch (IOException ex) {
			if (connection.guard.fired()) {
				throw new DeadlineException(ex);
			}
			throw ex;
		}
		finally {
			connection.guard.disarm();
		}
	}

	/**
	 * Build the exception for a failed call, count it, and name what failed.
	 */
	DaemonUnavailableException failure(byte opcode, @Nullable Connection connection, Exception cause) {
		this.errors.increment();
		String operation = Opcodes.requestName(opcode);
		String message;
		if (cause instanceof DeadlineException || (connection != null && connection.guard.fired())) {
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

	private void closeIdle() {
		Connection connection;
		while ((connection = this.idle.pollFirst()) != null) {
			connection.close();
		}
	}

	/**
	 * Check a status, turning an {@link Opcodes#ERROR} answer into an exception with the
	 * daemon's message.
	 * @param expected the status wanted
	 * @param status the status received
	 * @param payload the payload, positioned after the status
	 * @param opcode the request, for the message
	 * @throws ProtocolException if the status is neither the expected one nor an error
	 * @throws IllegalStateException if the daemon answered with an error
	 */
	static void expect(byte expected, byte status, WireInput payload, byte opcode) throws ProtocolException {
		if (status == expected) {
			return;
		}
		if (status == Opcodes.ERROR) {
			throw new IllegalStateException("The session daemon refused " + Opcodes.requestName(opcode) + ": "
					+ payload.readString());
		}
		throw new ProtocolException("Unexpected status " + status + " for " + Opcodes.requestName(opcode));
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
		return this.connects.sum();
	}

	/**
	 * Return how many connections are open now.
	 * @return the open connections
	 */
	public int getOpenConnections() {
		return this.open.get();
	}

	/**
	 * Close every idle connection and stop; connections in use close when given back.
	 */
	@Override
	public void close() {
		this.closed = true;
		closeIdle();
		this.watchdog.close();
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
	 * One connection: its channel, its frame reader and its deadline guard.
	 */
	final class Connection {

		final SocketChannel channel;

		final FrameReader reader = new FrameReader();

		final ChannelWatchdog.Guard guard;

		boolean reused;

		boolean answered;

		private boolean closed;

		Connection(SocketChannel channel, ChannelWatchdog.Guard guard) {
			this.channel = channel;
			this.guard = guard;
		}

		void close() {
			if (this.closed) {
				return;
			}
			this.closed = true;
			this.guard.release();
			DaemonClient.this.open.decrementAndGet();
			try {
				this.channel.close();
			}
			catch (IOException ex) {
				// nothing more to release
			}
		}

	}

	/**
	 * A channel closed by the watchdog because a call ran past its deadline.
	 */
	static final class DeadlineException extends IOException {

		DeadlineException(IOException cause) {
			super("deadline passed", cause);
		}

	}

}
