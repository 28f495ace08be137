package dev.sessionstarter.daemon.client;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.daemon.protocol.ChannelWatchdog;
import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.daemon.protocol.DaemonStats;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.WireCodec;
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
 * before anything was read is retried once on a fresh one within the same deadline
 * ({@link DaemonCalls}).
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

	private final DaemonConnectionPool pool;

	private final DaemonCalls calls;

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
		this.pool = new DaemonConnectionPool(address, maxConnections, maxIdle, token);
		this.calls = new DaemonCalls(address, timeout, this.pool);
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
		this.pool.connector().clientId = clientId;
		this.pool.closeIdleConnections();
	}

	/**
	 * Return the exchanges over the pool, for calls that keep their connection or wait long.
	 * @return the exchanges
	 */
	DaemonCalls calls() {
		return this.calls;
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
	public <T> T call(WireOutput request, DaemonResponseHandler<T> handler) {
		long deadline = System.nanoTime() + this.timeoutNanos;
		DaemonCalls.Answer<T> answer;
		try {
			answer = this.calls.exchange(request, deadline, deadline, handler);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw this.calls.failure(request.opcode(), null, ex);
		}
		this.calls.release(answer.connection(), true);
		return answer.value();
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
		return this.calls.errorCount();
	}

	/**
	 * Return the daemon's default lock lease, as the latest {@code HELLO} answer that named it
	 * said (protocol version 8).
	 * @return the lease in milliseconds, 0 if no answer named it yet
	 */
	long daemonLeaseMillis() {
		return this.pool.connector().daemonLeaseMillis();
	}

	/**
	 * Return how many connections were made since this client was created.
	 * @return the connections made
	 */
	public long getConnectCount() {
		return this.pool.connector().connectCount();
	}

	/**
	 * Return how many connections are open now.
	 * @return the open connections
	 */
	public int getOpenConnections() {
		return this.pool.connector().openConnections();
	}

	/**
	 * Close every idle connection and stop; connections in use close when given back.
	 */
	@Override
	public void close() {
		this.liveness.close();
		this.pool.close();
	}

}
