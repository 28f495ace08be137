package dev.sessionstarter.daemon.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * The frame format: a 4-byte big-endian length, then that many bytes, of which the first is
 * the opcode (or status) and the rest the payload. A length below 1 or above
 * {@link #MAX_FRAME_BYTES} is a protocol error that closes the connection.
 */
public final class Frames {

	/**
	 * Bytes of the length prefix.
	 */
	public static final int HEADER_BYTES = 4;

	/**
	 * The largest frame (opcode and payload) either side accepts: 16 MiB.
	 */
	public static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;

	private Frames() {
	}

	/**
	 * Write a whole frame.
	 * @param channel a blocking channel
	 * @param frame the frame from {@link WireOutput#frame(byte)}
	 * @throws IOException if writing fails or the frame is too large
	 */
	public static void write(WritableByteChannel channel, WireOutput frame) throws IOException {
		ByteBuffer buffer = frame.toFrame();
		while (buffer.hasRemaining()) {
			channel.write(buffer);
		}
	}

	/**
	 * Check a frame length read from the wire.
	 * @param length the length
	 * @throws ProtocolException if it is out of bounds
	 */
	static void checkLength(int length) throws ProtocolException {
		if (length < 1 || length > MAX_FRAME_BYTES) {
			throw new ProtocolException("Frame length " + (length & 0xFFFFFFFFL) + " is outside 1.."
					+ MAX_FRAME_BYTES);
		}
	}

}
