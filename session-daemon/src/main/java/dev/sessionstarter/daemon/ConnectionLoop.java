package dev.sessionstarter.daemon;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.ChannelWatchdog;
import dev.sessionstarter.daemon.protocol.FrameReader;
import dev.sessionstarter.daemon.protocol.Frames;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;

/**
 * Serves one connection on its own thread: its token first when one is required, then request
 * after request within the idle, first-frame and frame deadlines, until the client goes or a
 * deadline closes it; then its locks are released and its slot freed, and, when the client's
 * side closed it (end of stream, reset, broken pipe) rather than the daemon, the locks a client
 * retains if it was that client's notice connection ({@link RetainedLocks#closedByClient}). A
 * malformed frame is answered with an error and closes this connection only.
 */
final class ConnectionLoop {

	private final RequestHandler handler;

	private final LockTable locks;

	private final ConnectionSlots slots;

	private final byte @Nullable [] token;

	private final long frameTimeoutNanos;

	private final long firstFrameTimeoutNanos;

	private final long idleTimeoutNanos;

	private final LogLimiter connectionErrors = new LogLimiter(Duration.ofMinutes(1));

	ConnectionLoop(RequestHandler handler, LockTable locks, ConnectionSlots slots, DaemonOptions options) {
		this.handler = handler;
		this.locks = locks;
		this.slots = slots;
		this.token = (options.token != null) ? options.token.getBytes(StandardCharsets.UTF_8) : null;
		this.frameTimeoutNanos = options.frameTimeout.toNanos();
		this.firstFrameTimeoutNanos = options.firstFrameTimeout.toNanos();
		this.idleTimeoutNanos = options.idleTimeout.toNanos();
	}

	long firstFrameTimeoutNanos() {
		return this.firstFrameTimeoutNanos;
	}

	/**
	 * Serve a connection until it ends.
	 * @param slot the connection
	 */
	void serve(ConnectionSlots.Slot slot) {
		SocketChannel channel = slot.channel;
		LockOwner owner = slot.owner;
		ChannelWatchdog.Guard guard = slot.guard;
		FrameReader reader = new FrameReader();
		boolean closedByClient = false;
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
					closedByClient = !guard.fired();
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
		catch (ClosedChannelException | InterruptedException ex) {
			// a deadline or the connection limit closed the connection, or the daemon is stopping
		}
		catch (IOException ex) {
			// the client went away (reset, broken pipe), unless a deadline closed the connection meanwhile
			closedByClient = !guard.fired();
		}
		catch (Error ex) {
			answerQuietly(channel, "The daemon failed: " + ex);
			logConnectionError(ex);
		}
		finally {
			guard.release();
			closeQuietly(channel);
			this.locks.releaseAll(owner);
			if (closedByClient) {
				this.handler.closedByClient(owner);
			}
			this.slots.remove(slot);
			this.handler.connections().decrementAndGet();
		}
	}

	void logConnectionError(Throwable ex) {
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

	static void closeQuietly(SocketChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// closed anyway
		}
	}

}
