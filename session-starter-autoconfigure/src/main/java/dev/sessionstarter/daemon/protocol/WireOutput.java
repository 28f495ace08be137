package dev.sessionstarter.daemon.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds a frame (or a stored file) in a growable array: big-endian integers, and strings and
 * byte arrays prefixed by their length ({@code -1} for {@code null}). Not thread-safe.
 */
public final class WireOutput {

	private byte[] bytes;

	private int size;

	private final boolean frame;

	private WireOutput(int capacity, boolean frame) {
		this.bytes = new byte[capacity];
		this.frame = frame;
	}

	/**
	 * Start a frame: room for its length, then the opcode.
	 * @param opcode the request opcode or response status
	 * @return the output, positioned after the opcode
	 */
	public static WireOutput frame(byte opcode) {
		WireOutput output = new WireOutput(256, true);
		output.size = Frames.HEADER_BYTES;
		output.writeByte(opcode);
		return output;
	}

	/**
	 * Start plain output without a frame header, such as a stored session file.
	 * @return the output
	 */
	public static WireOutput plain() {
		return new WireOutput(256, false);
	}

	public WireOutput writeByte(int value) {
		ensure(1);
		this.bytes[this.size++] = (byte) value;
		return this;
	}

	public WireOutput writeBoolean(boolean value) {
		return writeByte(value ? 1 : 0);
	}

	public WireOutput writeInt(int value) {
		ensure(4);
		this.bytes[this.size++] = (byte) (value >>> 24);
		this.bytes[this.size++] = (byte) (value >>> 16);
		this.bytes[this.size++] = (byte) (value >>> 8);
		this.bytes[this.size++] = (byte) value;
		return this;
	}

	public WireOutput writeLong(long value) {
		writeInt((int) (value >>> 32));
		return writeInt((int) value);
	}

	/**
	 * Write a length-prefixed byte array.
	 * @param value the bytes, or {@code null}
	 * @return this output
	 */
	public WireOutput writeBytes(byte @org.jspecify.annotations.Nullable [] value) {
		if (value == null) {
			return writeInt(-1);
		}
		writeInt(value.length);
		ensure(value.length);
		System.arraycopy(value, 0, this.bytes, this.size, value.length);
		this.size += value.length;
		return this;
	}

	/**
	 * Write a length-prefixed UTF-8 string.
	 * @param value the string, or {@code null}
	 * @return this output
	 */
	public WireOutput writeString(@org.jspecify.annotations.Nullable String value) {
		return writeBytes((value != null) ? value.getBytes(StandardCharsets.UTF_8) : null);
	}

	/**
	 * Return the opcode of a frame.
	 * @return the byte after the length
	 */
	public byte opcode() {
		if (!this.frame) {
			throw new IllegalStateException("Not a frame");
		}
		return this.bytes[Frames.HEADER_BYTES];
	}

	/**
	 * Return the number of bytes written, the frame header included.
	 * @return the size
	 */
	public int size() {
		return this.size;
	}

	/**
	 * Finish a frame: fill in its length and return it ready to write.
	 * @return the frame
	 * @throws ProtocolException if the frame is larger than {@link Frames#MAX_FRAME_BYTES}
	 */
	public ByteBuffer toFrame() throws ProtocolException {
		if (!this.frame) {
			throw new IllegalStateException("Not a frame");
		}
		int length = this.size - Frames.HEADER_BYTES;
		if (length > Frames.MAX_FRAME_BYTES) {
			throw new ProtocolException("Frame of " + length + " bytes is larger than the limit of "
					+ Frames.MAX_FRAME_BYTES + " bytes");
		}
		this.bytes[0] = (byte) (length >>> 24);
		this.bytes[1] = (byte) (length >>> 16);
		this.bytes[2] = (byte) (length >>> 8);
		this.bytes[3] = (byte) length;
		return ByteBuffer.wrap(this.bytes, 0, this.size);
	}

	/**
	 * Return a copy of what was written (plain output).
	 * @return the bytes
	 */
	public byte[] toByteArray() {
		return Arrays.copyOf(this.bytes, this.size);
	}

	private void ensure(int more) {
		if (this.size + more > this.bytes.length) {
			long wanted = Math.max((long) this.bytes.length * 2, (long) this.size + more);
			if (wanted > Integer.MAX_VALUE - 16) {
				throw new IllegalStateException("Output too large");
			}
			this.bytes = Arrays.copyOf(this.bytes, (int) wanted);
		}
	}

}
