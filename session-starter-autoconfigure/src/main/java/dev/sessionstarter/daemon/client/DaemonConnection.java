package dev.sessionstarter.daemon.client;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

import dev.sessionstarter.daemon.protocol.ChannelWatchdog;
import dev.sessionstarter.daemon.protocol.FrameReader;
import dev.sessionstarter.daemon.protocol.Frames;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;

/**
 * One connection to the daemon: its channel, its frame reader and the guard that closes the
 * channel when an exchange runs past its deadline. Used by one thread at a time: the one that
 * borrowed it from its {@link DaemonConnectionPool}.
 */
final class DaemonConnection {

	final SocketChannel channel;

	final ChannelWatchdog.Guard guard;

	private final FrameReader reader = new FrameReader();

	private final Runnable onClose;

	/**
	 * Told the daemon's default lock lease, in milliseconds, when a {@code HELLO} answer names it,
	 * and 0 when the answer is of a daemon older than version 8 (it names none).
	 */
	private final LongConsumer onLease;

	/**
	 * Whether it was taken from the idle connections rather than opened for this call.
	 */
	boolean reused;

	/**
	 * Whether the daemon answered the last request sent on it.
	 */
	boolean answered;

	/**
	 * How many daemon locks it holds: the daemon releases them when it closes, so the pool
	 * keeps it open while it holds any (see {@link SharedLockConnections}).
	 */
	final AtomicInteger locks = new AtomicInteger();

	/**
	 * The protocol version its daemon said it speaks ({@code HELLO}), {@code 0} until asked.
	 */
	int protocolVersion;

	private final AtomicBoolean closed = new AtomicBoolean();

	DaemonConnection(SocketChannel channel, ChannelWatchdog.Guard guard, Runnable onClose, LongConsumer onLease) {
		this.channel = channel;
		this.guard = guard;
		this.onClose = onClose;
		this.onLease = onLease;
	}

	/**
	 * Send one request and read its answer by a deadline.
	 * @param <T> the result type
	 * @param request the request
	 * @param deadline the deadline, a {@link System#nanoTime()} value
	 * @param handler reads the answer
	 * @return the handler's result
	 * @throws IOException if the exchange fails, a {@link DeadlineException} if the deadline passed
	 */
	<T> T exchange(WireOutput request, long deadline, DaemonResponseHandler<T> handler) throws IOException {
		this.guard.armAt(deadline);
		try {
			Frames.write(this.channel, request);
			WireInput response = this.reader.read(this.channel);
			if (response == null) {
				throw new IOException("the daemon closed the connection");
			}
			this.answered = true;
			this.guard.disarm();
			byte status = response.readByte();
			String refusal = Frames.refusal(status, response);
			if (refusal != null) {
				throw new IOException("the daemon refused the connection: " + refusal);
			}
			T result = handler.handle(status, response);
			response.requireEnd();
			return result;
		}
		catch (IOException ex) {
			throw deadlineOr(ex);
		}
		finally {
			this.guard.disarm();
		}
	}

	/**
	 * What an I/O failure under the guard is: a {@link DeadlineException} if the guard closed the
	 * channel because the deadline passed, else the failure itself.
	 */
	private IOException deadlineOr(IOException ex) {
		return this.guard.fired() ? new DeadlineException(ex) : ex;
	}

	/**
	 * Return the protocol version the daemon speaks, asked with {@code HELLO} (which also tells it
	 * this client's) the first time over this connection; a daemon of version 8 or later also names
	 * its default lock lease, which the connector keeps ({@link DaemonConnector#daemonLeaseMillis}).
	 * @param deadline the deadline of the call, a {@link System#nanoTime()} value
	 * @return the daemon's version, 3 for a daemon that predates {@code HELLO} (version 4)
	 * @throws IOException if the exchange fails
	 */
	int protocolVersion(long deadline) throws IOException {
		if (this.protocolVersion == 0) {
			WireOutput hello = WireOutput.frame(Opcodes.HELLO).writeInt(Opcodes.PROTOCOL_VERSION);
			this.protocolVersion = exchange(hello, deadline, this::helloAnswer);
		}
		return this.protocolVersion;
	}

	/**
	 * Read the answer to {@code HELLO}: the daemon's protocol version, or 3 for a daemon that
	 * does not know the operation (it predates version 4), and its default lock lease from version 8.
	 */
	private Integer helloAnswer(byte status, WireInput payload) throws ProtocolException {
		if (status == Opcodes.ERROR) {
			String message = payload.readString();
			if (Opcodes.isUnknownOperation(message)) {
				// an older daemon than the one that named a lease, if any: its lease is unknown
				this.onLease.accept(0);
				return 3;
			}
			throw new IllegalStateException("The session daemon refused HELLO: " + message);
		}
		DaemonAnswers.expect(Opcodes.OK, status, payload, Opcodes.HELLO);
		int version = payload.readInt();
		if (version >= Opcodes.LEASE_IN_HELLO_VERSION) {
			long leaseMillis = payload.readLong();
			if (leaseMillis <= 0) {
				throw new ProtocolException("HELLO answered a lock lease of " + leaseMillis + "ms");
			}
			this.onLease.accept(leaseMillis);
		}
		else {
			// replaced by an older daemon than the one that named a lease, if any: its lease is unknown
			this.onLease.accept(0);
		}
		return version;
	}

	/**
	 * Send a request the daemon does not answer, by a deadline.
	 * @param request the request
	 * @param deadline the deadline, a {@link System#nanoTime()} value
	 * @throws IOException if writing fails, a {@link DeadlineException} if the deadline passed
	 */
	void send(WireOutput request, long deadline) throws IOException {
		this.guard.armAt(deadline);
		try {
			Frames.write(this.channel, request);
		}
		catch (IOException ex) {
			throw deadlineOr(ex);
		}
		finally {
			this.guard.disarm();
		}
	}

	/**
	 * Whether the daemon holds locks for this connection, so that closing it would release them.
	 * @return {@code true} if it holds any
	 */
	boolean holdsLocks() {
		return this.locks.get() > 0;
	}

	/**
	 * Whether it was closed, releasing every lock it held in the daemon.
	 * @return {@code true} if closed
	 */
	boolean isClosed() {
		return this.closed.get();
	}

	/**
	 * Close the channel, once; any thread may, which ends an exchange another thread makes on it.
	 */
	void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.guard.release();
		this.onClose.run();
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// nothing more to release
		}
	}

	/**
	 * A channel closed by the watchdog because an exchange ran past its deadline.
	 */
	static final class DeadlineException extends IOException {

		DeadlineException(IOException cause) {
			super("deadline passed", cause);
		}

	}

}
