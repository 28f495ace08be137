package dev.sessionstarter.daemon.protocol;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * Reads what {@link WireOutput} wrote, checking every length against what is left, so that
 * no malformed input can make the reader allocate more than the input holds. Not thread-safe.
 */
public final class WireInput {

	private final byte[] bytes;

	private int position;

	private final int limit;

	/**
	 * Read a whole array.
	 * @param bytes the bytes
	 */
	public WireInput(byte[] bytes) {
		this(bytes, 0, bytes.length);
	}

	WireInput(byte[] bytes, int offset, int limit) {
		this.bytes = bytes;
		this.position = offset;
		this.limit = limit;
	}

	/**
	 * Return how many bytes are left.
	 * @return the remaining count
	 */
	public int remaining() {
		return this.limit - this.position;
	}

	/**
	 * Return the byte that comes next without consuming it, such as a frame's opcode.
	 * @return the byte, or {@code -1} if none is left
	 */
	public byte peekByte() {
		return (this.position < this.limit) ? this.bytes[this.position] : -1;
	}

	public byte readByte() throws ProtocolException {
		require(1);
		return this.bytes[this.position++];
	}

	public boolean readBoolean() throws ProtocolException {
		return readByte() != 0;
	}

	public int readInt() throws ProtocolException {
		require(4);
		int value = ((this.bytes[this.position] & 0xFF) << 24) | ((this.bytes[this.position + 1] & 0xFF) << 16)
				| ((this.bytes[this.position + 2] & 0xFF) << 8) | (this.bytes[this.position + 3] & 0xFF);
		this.position += 4;
		return value;
	}

	public long readLong() throws ProtocolException {
		return ((long) readInt() << 32) | (readInt() & 0xFFFFFFFFL);
	}

	/**
	 * Read a length-prefixed byte array.
	 * @return the bytes, or {@code null} if {@code null} was written
	 * @throws ProtocolException if the length is negative (other than {@code -1}) or runs past the end
	 */
	public byte @Nullable [] readBytes() throws ProtocolException {
		int length = readLength();
		if (length == -1) {
			return null;
		}
		byte[] value = new byte[length];
		System.arraycopy(this.bytes, this.position, value, 0, length);
		this.position += length;
		return value;
	}

	/**
	 * Read a length-prefixed UTF-8 string.
	 * @return the string, or {@code null} if {@code null} was written
	 * @throws ProtocolException if the length is bad
	 */
	public @Nullable String readString() throws ProtocolException {
		int length = readLength();
		if (length == -1) {
			return null;
		}
		String value = new String(this.bytes, this.position, length, StandardCharsets.UTF_8);
		this.position += length;
		return value;
	}

	/**
	 * Return the length-prefixed UTF-8 string that comes next without consuming it.
	 * @return the string, or {@code null} if there is none or it is malformed
	 */
	@Nullable String peekString() {
		int start = this.position;
		try {
			return readString();
		}
		catch (ProtocolException ex) {
			return null;
		}
		finally {
			this.position = start;
		}
	}

	/**
	 * Read the length prefix of a byte array or string and check that so many bytes follow.
	 * @return the length, or {@code -1} if {@code null} was written
	 */
	private int readLength() throws ProtocolException {
		int length = readInt();
		if (length < -1) {
			throw new ProtocolException("Negative length " + length);
		}
		if (length != -1) {
			require(length);
		}
		return length;
	}

	/**
	 * Read a string that must be present.
	 * @return the string
	 * @throws ProtocolException if it is {@code null} or malformed
	 */
	public String readRequiredString() throws ProtocolException {
		String value = readString();
		if (value == null) {
			throw new ProtocolException("Missing string");
		}
		return value;
	}

	/**
	 * Read an element count, checked against the bytes left: each element takes at least
	 * {@code minElementBytes}.
	 * @param minElementBytes the least bytes one element takes, at least 1
	 * @return the count
	 * @throws ProtocolException if the count is negative or more than the input can hold
	 */
	public int readCount(int minElementBytes) throws ProtocolException {
		int count = readInt();
		if (count < 0 || (long) count * minElementBytes > remaining()) {
			throw new ProtocolException("Bad element count " + count);
		}
		return count;
	}

	/**
	 * Check that everything was read.
	 * @throws ProtocolException if bytes are left over
	 */
	public void requireEnd() throws ProtocolException {
		if (remaining() != 0) {
			throw new ProtocolException(remaining() + " unexpected bytes at the end of the payload");
		}
	}

	private void require(int count) throws ProtocolException {
		if (count > remaining()) {
			throw new ProtocolException("Truncated payload: needed " + count + " bytes, " + remaining() + " left");
		}
	}

}
