package dev.sessionstarter.daemon.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

import org.jspecify.annotations.Nullable;

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

	/**
	 * How the message of the {@link Opcodes#ERROR} frame starts that a daemon sends, unasked,
	 * on a connection it refuses because it already serves as many as it may; it closes that
	 * connection then.
	 */
	public static final String TOO_MANY_CONNECTIONS = "Too many connections";

	private Frames() {
	}

	/**
	 * Return the daemon's message if an answer is its refusal of the connection
	 * ({@link #TOO_MANY_CONNECTIONS}), without consuming the payload.
	 * @param status the status of the answer
	 * @param payload the rest of the answer, positioned after the status
	 * @return the message, or {@code null} if the answer is no refusal
	 */
	public static @Nullable String refusal(byte status, WireInput payload) {
		if (status != Opcodes.ERROR) {
			return null;
		}
		String message = payload.peekString();
		return (message != null && message.startsWith(TOO_MANY_CONNECTIONS)) ? message : null;
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
