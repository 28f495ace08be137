package dev.sessionstarter.daemon;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.ChannelWatchdog;
import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.daemon.protocol.FrameReader;
import dev.sessionstarter.daemon.protocol.Frames;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;

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

	private final LockTable locks;

	private final int maxConnections;

	private final byte @Nullable [] token;

	private final long frameTimeoutNanos;

	private final long firstFrameTimeoutNanos;

	private final long idleTimeoutNanos;

	private final LogLimiter connectionErrors = new LogLimiter(Duration.ofMinutes(1));

	private final LogLimiter evictions = new LogLimiter(Duration.ofMinutes(1));

	private final ChannelWatchdog watchdog = new ChannelWatchdog("session-daemon-frame-deadlines",
			Duration.ofMillis(100));

	private final ConnectionSlots slots = new ConnectionSlots();

	private final AtomicLong threadNumber = new AtomicLong();

	private @Nullable ServerSocketChannel server;

	private volatile boolean stopping;

	DaemonServer(DaemonAddress address, RequestHandler handler, LockTable locks, DaemonOptions options) {
		this.address = address;
		this.frameTimeoutNanos = options.frameTimeout.toNanos();
		this.firstFrameTimeoutNanos = options.firstFrameTimeout.toNanos();
		this.idleTimeoutNanos = options.idleTimeout.toNanos();
		this.handler = handler;
		this.locks = locks;
		this.maxConnections = options.maxConnections;
		this.token = (options.token != null) ? options.token.getBytes(StandardCharsets.UTF_8) : null;
	}

	/**
	 * Bind the port or create the socket.
	 * @throws IOException if it cannot be bound
	 */
	void bind() throws IOException {
		Path path = this.address.path();
		if (path == null) {
			ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.INET);
			channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
			channel.bind(this.address.socketAddress(), 512);
			this.server = channel;
		}
		else {
			this.server = bindOwnerOnly(path);
		}
	}

	/**
	 * Create the socket so that only its owner can ever connect: bind it inside a new
	 * owner-only directory beside the target, make it owner-only, then rename it into place.
	 */
	private static ServerSocketChannel bindOwnerOnly(Path path) throws IOException {
		removeStaleSocket(path);
		Path parent = Objects.requireNonNull(path.getParent());
		Files.createDirectories(parent);
		Path privateDir = Files.createTempDirectory(parent, ".session-daemon-",
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Path temporary = privateDir.resolve("socket");
		ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		try {
			channel.bind(UnixDomainSocketAddress.of(temporary), 512);
			Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
			Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE);
			return channel;
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
		finally {
			Files.deleteIfExists(temporary);
			Files.deleteIfExists(privateDir);
		}
	}

	private static void removeStaleSocket(Path path) throws IOException {
		if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		Object mode = Files.getAttribute(path, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
		if (!(mode instanceof Integer bits) || (bits & 0170000) != 0140000) {
			throw new IOException(path + " exists and is not a socket; not replacing it");
		}
		try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
			throw new IOException("Another daemon is listening on " + path);
		}
		catch (IOException ex) {
			if (ex.getMessage() != null && ex.getMessage().startsWith("Another daemon")) {
				throw ex;
			}
			Files.delete(path);
			SessionDaemon.log("INFO", "Removed the stale socket " + path + " of a daemon that is gone");
		}
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
			guard.arm(this.firstFrameTimeoutNanos);
			ConnectionSlots.Slot slot = this.slots.add(channel, guard, new LockTable.Owner());
			if (this.stopping) {
				closeQuietly(channel);
			}
			Thread thread = new Thread(null, () -> serve(slot),
					"session-daemon-connection-" + this.threadNumber.incrementAndGet(), THREAD_STACK_BYTES);
			thread.setDaemon(true);
			thread.setUncaughtExceptionHandler((failed, ex) -> logConnectionError(ex));
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

	private void serve(ConnectionSlots.Slot slot) {
		SocketChannel channel = slot.channel;
		LockTable.Owner owner = slot.owner;
		ChannelWatchdog.Guard guard = slot.guard;
		FrameReader reader = new FrameReader();
		try {
			boolean first = true;
			if (this.token != null) {
				if (!authenticate(slot, reader)) {
					return;
				}
				first = false;
			}
			while (true) {
				long idle = first ? this.firstFrameTimeoutNanos
						: Math.max(this.idleTimeoutNanos, owner.remainingLeaseNanos());
				slot.waiting();
				WireInput request = reader.read(channel, guard, idle, this.frameTimeoutNanos);
				slot.serving();
				first = false;
				if (request == null) {
					return;
				}
				// a request that is not answered is never answered, not even with an error
				boolean answered = request.peekByte() != Opcodes.UNLOCK_QUIET;
				WireOutput response;
				try {
					response = this.handler.handle(request, owner);
				}
				catch (ProtocolException ex) {
					if (answered) {
						Frames.write(channel, RequestHandler.error("Malformed request: " + ex.getMessage()));
					}
					return;
				}
				catch (RuntimeException ex) {
					response = RequestHandler.error(ex.getClass().getSimpleName() + ": " + ex.getMessage());
				}
				if (answered && response != null) {
					Frames.write(channel, response);
				}
			}
		}
		catch (ProtocolException ex) {
			answerQuietly(channel, "Malformed frame: " + ex.getMessage());
		}
		catch (IOException | InterruptedException ex) {
			// the client went away, a deadline closed the connection, or the daemon is stopping
		}
		catch (Error ex) {
			answerQuietly(channel, "The daemon failed: " + ex);
			logConnectionError(ex);
		}
		finally {
			guard.release();
			closeQuietly(channel);
			this.locks.releaseAll(owner);
			this.slots.remove(slot);
			this.handler.connections().decrementAndGet();
		}
	}

	private void logConnectionError(Throwable ex) {
		long failures = this.connectionErrors.failed();
		if (failures > 0) {
			SessionDaemon.log("ERROR", "A connection failed: " + ex + " (" + failures + " connections failed"
					+ " since " + this.connectionErrors.failingSince() + "; logged at most once a minute)");
		}
	}

	/**
	 * Read the first frame, which must bring the token, within {@code firstFrameTimeout} of
	 * connecting, the whole of it: a client that has not authenticated gets no idle time, or
	 * silent connections could take every connection slot without knowing the token.
	 */
	private boolean authenticate(ConnectionSlots.Slot slot, FrameReader reader) throws IOException {
		SocketChannel channel = slot.channel;
		slot.waiting();
		WireInput request = reader.read(channel, slot.guard, this.firstFrameTimeoutNanos,
				this.firstFrameTimeoutNanos);
		slot.serving();
		if (request == null) {
			return false;
		}
		byte[] offered = null;
		if (request.readByte() == Opcodes.AUTH) {
			try {
				String token = request.readString();
				offered = (token != null) ? token.getBytes(StandardCharsets.UTF_8) : null;
			}
			catch (ProtocolException ex) {
				offered = null;
			}
		}
		if (offered == null || !MessageDigest.isEqual(offered, this.token)) {
			Frames.write(channel, WireOutput.frame(Opcodes.DENIED));
			return false;
		}
		Frames.write(channel, WireOutput.frame(Opcodes.OK));
		return true;
	}

	private static void answerQuietly(SocketChannel channel, String message) {
		try {
			if (channel.isOpen()) {
				Frames.write(channel, RequestHandler.error(message));
			}
		}
		catch (IOException ex) {
			// closing anyway
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
		Path path = this.address.path();
		if (path != null) {
			try {
				Files.deleteIfExists(path);
			}
			catch (IOException ex) {
				SessionDaemon.log("WARN", "Cannot remove the socket " + path + ": " + ex.getMessage());
			}
		}
	}

	private static void closeQuietly(SocketChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// closed anyway
		}
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
