package dev.sessionstarter.daemon;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.ChannelWatchdog;
import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.daemon.protocol.Frames;

/**
 * Accepts connections on the loopback port or the UNIX socket and serves each on a thread of
 * its own, so a slow or stuck client holds only its own thread. At most
 * {@code maxConnections} are served at once: one more takes the place of a silent or idle one
 * ({@link ConnectionSlots}) or, if every one is busy or holds a lock, is told so and closed. A
 * malformed frame is answered with an error and closes that connection only, and so does a
 * frame whose rest does not arrive within {@code frameTimeout} of its first bytes. No
 * connection holds a slot for nothing: one that sends no first request (its token, when one is
 * required) within {@code firstFrameTimeout} is closed, and so is one idle between requests
 * for {@code idleTimeout}, unless it holds a lock whose lease runs longer (then when the lease
 * ends). A closing by these deadlines and the reading of a request are decided atomically
 * ({@link ChannelWatchdog.Guard#disarm()}), so no request is ever read and left unanswered.
 */
final class DaemonServer {

	private static final long THREAD_STACK_BYTES = 256 * 1024;

	private final DaemonAddress address;

	private final RequestHandler handler;

	private final int maxConnections;

	private final LogLimiter evictions = new LogLimiter(Duration.ofMinutes(1));

	private final ChannelWatchdog watchdog = new ChannelWatchdog("session-daemon-frame-deadlines",
			Duration.ofMillis(100));

	private final ConnectionSlots slots = new ConnectionSlots();

	private final ConnectionLoop connections;

	private final AtomicLong threadNumber = new AtomicLong();

	private @Nullable ServerSocketChannel server;

	private volatile boolean stopping;

	DaemonServer(DaemonAddress address, RequestHandler handler, LockTable locks, DaemonOptions options) {
		this.address = address;
		this.handler = handler;
		this.maxConnections = options.maxConnections;
		this.connections = new ConnectionLoop(handler, locks, this.slots, options);
	}

	/**
	 * Bind the port or create the socket.
	 * @throws IOException if it cannot be bound
	 */
	void bind() throws IOException {
		this.server = ListeningSocket.open(this.address);
	}

	/**
	 * Accept connections until {@link #stop()}.
	 */
	void serve() {
		ServerSocketChannel server = Objects.requireNonNull(this.server);
		while (!this.stopping) {
			SocketChannel channel;
			try {
				channel = server.accept();
			}
			catch (ClosedChannelException ex) {
				return;
			}
			catch (IOException ex) {
				if (this.stopping) {
					return;
				}
				SessionDaemon.log("WARN", "Accept failed: " + ex.getMessage());
				pause();
				continue;
			}
			if (this.handler.connections().incrementAndGet() > this.maxConnections && !makeRoom()) {
				this.handler.connections().decrementAndGet();
				refuse(channel);
				continue;
			}
			noDelay(channel);
			ChannelWatchdog.Guard guard = this.watchdog.guard(channel);
			guard.arm(this.connections.firstFrameTimeoutNanos());
			ConnectionSlots.Slot slot = this.slots.add(channel, guard, new LockOwner());
			if (this.stopping) {
				ConnectionLoop.closeQuietly(channel);
			}
			Thread thread = new Thread(null, () -> this.connections.serve(slot),
					"session-daemon-connection-" + this.threadNumber.incrementAndGet(), THREAD_STACK_BYTES);
			thread.setDaemon(true);
			thread.setUncaughtExceptionHandler((failed, ex) -> this.connections.logConnectionError(ex));
			thread.start();
		}
	}

	/**
	 * Send each answer at once: a TCP connection's answers go out without waiting for the
	 * acknowledgement of the previous one (Nagle's algorithm off), as the client's requests do.
	 */
	private void noDelay(SocketChannel channel) {
		if (this.address.path() == null) {
			try {
				channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
			}
			catch (IOException ex) {
				// the client is gone: serving it fails at once
			}
		}
	}

	private boolean makeRoom() {
		if (!this.slots.evictOne()) {
			return false;
		}
		long evictions = this.evictions.failed();
		if (evictions > 0) {
			SessionDaemon.log("INFO", "At the connection limit (" + this.maxConnections + "): closed a silent or idle"
					+ " connection to make room for a new one (" + evictions + " times since "
					+ this.evictions.failingSince() + "; logged at most once a minute)");
		}
		return true;
	}

	private void refuse(SocketChannel channel) {
		try (channel) {
			Frames.write(channel, RequestHandler.error(Frames.TOO_MANY_CONNECTIONS + " (the limit is "
					+ this.maxConnections + ")"));
			channel.shutdownOutput();
		}
		catch (IOException ex) {
			// the client is gone anyway
		}
	}

	/**
	 * Stop accepting, close every connection (which releases their locks) and remove the socket.
	 */
	void stop() {
		this.stopping = true;
		this.watchdog.close();
		try {
			if (this.server != null) {
				this.server.close();
			}
		}
		catch (IOException ex) {
			// stopping anyway
		}
		this.slots.closeAll();
		ListeningSocket.remove(this.address);
	}

	private static void pause() {
		try {
			Thread.sleep(50);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
