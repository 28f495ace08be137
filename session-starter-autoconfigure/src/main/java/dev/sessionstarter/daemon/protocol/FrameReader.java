package dev.sessionstarter.daemon.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;

import org.jspecify.annotations.Nullable;

/**
 * Reads frames from one blocking channel through a reusable buffer, so that a whole small
 * frame usually takes one read. The buffer grows with the bytes that arrive, doubling when it
 * is full up to the size of the frame being read (never beyond {@link Frames#MAX_FRAME_BYTES}),
 * so a peer that announces a large frame and sends nothing more costs no more than the bytes
 * it sent; it shrinks back after a large frame. Not thread-safe.
 */
public final class FrameReader {

	private static final int INITIAL_CAPACITY = 8 * 1024;

	private static final int RETAINED_CAPACITY = 64 * 1024;

	private ByteBuffer buffer = ByteBuffer.allocate(INITIAL_CAPACITY);

	/**
	 * Read the next frame. The returned input is positioned at the opcode.
	 * @param channel the channel
	 * @return the frame, or {@code null} if the stream ended cleanly between frames
	 * @throws ProtocolException if the length is out of bounds or the stream ends within a frame
	 * @throws IOException if reading fails
	 */
	public @Nullable WireInput read(ReadableByteChannel channel) throws IOException {
		return read(channel, null, 0, 0);
	}

	/**
	 * Read the next frame, allowing at most {@code partialTimeoutNanos} for the rest of a frame
	 * once part of it has arrived: the guard is armed while a partial frame is awaited, so a
	 * peer that stalls within a frame has its channel closed. Waiting between frames is not
	 * limited.
	 * @param channel the channel
	 * @param partialGuard the guard of the channel, or {@code null} for no limit
	 * @param partialTimeoutNanos the time allowed for the rest of a frame
	 * @return the frame, or {@code null} if the stream ended cleanly between frames
	 * @throws ProtocolException if the length is out of bounds or the stream ends within a frame
	 * @throws IOException if reading fails, or the guard closed the channel
	 */
	public @Nullable WireInput read(ReadableByteChannel channel, ChannelWatchdog.@Nullable Guard partialGuard,
			long partialTimeoutNanos) throws IOException {
		return read(channel, partialGuard, 0, partialTimeoutNanos);
	}

	/**
	 * Read the next frame, allowing at most {@code idleTimeoutNanos} before its first byte
	 * arrives and {@code partialTimeoutNanos} for the rest of it from then: the guard closes the
	 * channel of a peer that stays silent or stalls within a frame. A frame is returned only if
	 * the guard was disarmed in time, so a channel the guard closes never has a request read
	 * from it that its peer would see unanswered.
	 * @param channel the channel
	 * @param guard the guard of the channel, or {@code null} for no limit
	 * @param idleTimeoutNanos the time allowed before the frame starts, {@code 0} for no limit
	 * @param partialTimeoutNanos the time allowed for the rest of a frame, {@code 0} for no limit
	 * @return the frame, or {@code null} if the stream ended cleanly between frames
	 * @throws ProtocolException if the length is out of bounds or the stream ends within a frame
	 * @throws IOException if reading fails, or the guard closed the channel
	 */
	public @Nullable WireInput read(ReadableByteChannel channel, ChannelWatchdog.@Nullable Guard guard,
			long idleTimeoutNanos, long partialTimeoutNanos) throws IOException {
		boolean armed = false;
		boolean started = false;
		if (guard != null && idleTimeoutNanos > 0 && this.buffer.position() == 0) {
			guard.arm(idleTimeoutNanos);
			armed = true;
		}
		try {
			while (true) {
				WireInput frame = next();
				if (frame != null) {
					if (armed && !guard.disarm()) {
						throw new ClosedChannelException();
					}
					armed = false;
					return frame;
				}
				if (guard != null && !started && this.buffer.position() > 0) {
					started = true;
					if (armed && !guard.disarm()) {
						throw new ClosedChannelException();
					}
					armed = partialTimeoutNanos > 0;
					if (armed) {
						guard.arm(partialTimeoutNanos);
					}
				}
				if (channel.read(this.buffer) < 0) {
					if (this.buffer.position() == 0) {
						return null;
					}
					throw new ProtocolException("Connection closed within a frame (" + this.buffer.position()
							+ " bytes of it read)");
				}
			}
		}
		finally {
			if (armed) {
				guard.disarm();
			}
		}
	}

	/**
	 * Whether part of a frame has been read and the rest is awaited.
	 * @return {@code true} if bytes of an incomplete frame are buffered
	 */
	public boolean hasPartialFrame() {
		return this.buffer.position() > 0;
	}

	/**
	 * Return the bytes the buffer holds now, for tests and accounting.
	 * @return the buffer's capacity
	 */
	int capacity() {
		return this.buffer.capacity();
	}

	private @Nullable WireInput next() throws ProtocolException {
		int held = this.buffer.position();
		if (held < Frames.HEADER_BYTES) {
			return null;
		}
		int length = this.buffer.getInt(0);
		Frames.checkLength(length);
		int total = Frames.HEADER_BYTES + length;
		if (held < total) {
			if (!this.buffer.hasRemaining()) {
				grow((int) Math.min(total, 2L * this.buffer.capacity()));
			}
			return null;
		}
		byte[] frame = new byte[length];
		this.buffer.get(Frames.HEADER_BYTES, frame);
		int rest = held - total;
		if (rest == 0 && this.buffer.capacity() > RETAINED_CAPACITY) {
			this.buffer = ByteBuffer.allocate(INITIAL_CAPACITY);
		}
		else {
			this.buffer.flip();
			this.buffer.position(total);
			this.buffer.compact();
		}
		return new WireInput(frame);
	}

	private void grow(int capacity) {
		ByteBuffer larger = ByteBuffer.allocate(capacity);
		this.buffer.flip();
		larger.put(this.buffer);
		this.buffer = larger;
	}

}
