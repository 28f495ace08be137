package dev.sessionstarter.daemon.client;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.ChannelWatchdog;
import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireOutput;

/**
 * Opens the connections of a {@link DaemonConnectionPool}: connects by a deadline, sends the
 * shared token ({@code AUTH}) when there is one and the id of a client that retains request locks
 * ({@code CLIENT}) when it has one, and watches every connection's deadlines with one
 * {@link ChannelWatchdog}. Counts the connections made and open. Thread-safe.
 */
final class DaemonConnector implements AutoCloseable {

	private final DaemonAddress address;

	private final @Nullable String token;

	private final ChannelWatchdog watchdog = new ChannelWatchdog("session-daemon-client-deadlines",
			Duration.ofMillis(10));

	private final LongAdder connects = new LongAdder();

	private final AtomicInteger open = new AtomicInteger();

	/**
	 * The daemon's default lock lease in milliseconds, as the latest {@code HELLO} answer said
	 * (protocol version 8), 0 until one named it or when the latest was of an older daemon.
	 */
	private volatile long daemonLeaseMillis;

	/**
	 * The id of the client that retains request locks, which new connections say they belong
	 * to ({@code CLIENT}), or 0.
	 */
	volatile long clientId;

	DaemonConnector(DaemonAddress address, @Nullable String token) {
		this.address = address;
		this.token = token;
	}

	/**
	 * Open a connection, authenticated with the token and naming the client, by a deadline.
	 * @param deadline until when connecting may take, a {@link System#nanoTime()} value
	 * @return the connection
	 * @throws IOException if connecting failed or the deadline passed
	 */
	DaemonConnection connect(long deadline) throws IOException {
		SocketChannel channel = this.address.openChannel();
		DaemonConnection connection = new DaemonConnection(channel, this.watchdog.guard(channel),
				this.open::decrementAndGet, this::daemonLease);
		this.open.incrementAndGet();
		boolean connected = false;
		try {
			connection.guard.armAt(deadline);
			channel.connect(this.address.socketAddress());
			if (this.token != null) {
				authenticate(connection, this.token, deadline);
			}
			if (this.clientId != 0) {
				identify(connection, this.clientId, deadline);
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

	private static void authenticate(DaemonConnection connection, String token, long deadline) throws IOException {
		connection.exchange(WireOutput.frame(Opcodes.AUTH).writeString(token), deadline, (status, payload) -> {
			if (status == Opcodes.DENIED) {
				throw new ProtocolException("the daemon rejected the token");
			}
			DaemonAnswers.expect(Opcodes.OK, status, payload, Opcodes.AUTH);
			return null;
		});
	}

	/**
	 * Say which client the connection belongs to (protocol version 6); an older daemon answers
	 * that it does not know the operation, and retains no lock for this client either.
	 */
	private static void identify(DaemonConnection connection, long clientId, long deadline) throws IOException {
		connection.exchange(WireOutput.frame(Opcodes.CLIENT).writeLong(clientId), deadline, (status, payload) -> {
			if (status == Opcodes.ERROR) {
				payload.readString();
				return null;
			}
			DaemonAnswers.expect(Opcodes.OK, status, payload, Opcodes.CLIENT);
			return null;
		});
	}

	private void daemonLease(long leaseMillis) {
		this.daemonLeaseMillis = leaseMillis;
	}

	/**
	 * Return the daemon's default lock lease, as the latest {@code HELLO} answer that named it
	 * said (protocol version 8).
	 * @return the lease in milliseconds, 0 if no answer named it yet
	 */
	long daemonLeaseMillis() {
		return this.daemonLeaseMillis;
	}

	/**
	 * Return how many connections were made since this connector was created.
	 * @return the connections made
	 */
	long connectCount() {
		return this.connects.sum();
	}

	/**
	 * Return how many connections are open now.
	 * @return the open connections
	 */
	int openConnections() {
		return this.open.get();
	}

	/**
	 * Stop watching deadlines.
	 */
	@Override
	public void close() {
		this.watchdog.close();
	}

}
