package dev.sessionstarter.daemon.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

import org.jspecify.annotations.Nullable;

/**
 * Reads frames from one blocking channel through a reusable buffer, so that a whole small
 * frame usually takes one read. The buffer grows to the frame being read (never beyond
 * {@link Frames#MAX_FRAME_BYTES}) and shrinks back after a large one. Not thread-safe.
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
		return read(channel, null, 0);
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
		boolean armed = false;
		while (true) {
			WireInput frame = next();
			if (frame != null) {
				if (armed) {
					partialGuard.disarm();
				}
				return frame;
			}
			if (partialGuard != null && !armed && this.buffer.position() > 0) {
				partialGuard.arm(partialTimeoutNanos);
				armed = true;
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

	/**
	 * Whether part of a frame has been read and the rest is awaited.
	 * @return {@code true} if bytes of an incomplete frame are buffered
	 */
	public boolean hasPartialFrame() {
		return this.buffer.position() > 0;
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
			if (total > this.buffer.capacity()) {
				ByteBuffer larger = ByteBuffer.allocate(total);
				this.buffer.flip();
				larger.put(this.buffer);
				this.buffer = larger;
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

}
