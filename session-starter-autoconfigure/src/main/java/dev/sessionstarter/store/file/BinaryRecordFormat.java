package dev.sessionstarter.store.file;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionRecord;

/**
 * The binary session file: a magic number, the record's fields, its attributes as
 * length-prefixed names and value bytes, and a CRC-32C of everything before it, so that a
 * truncated or damaged file is recognised as such rather than misread.
 *
 * <pre>
 * int magic 'SSF1' | long version | long creationTime | long lastAccessedTime | long maxInactiveMillis
 * string id | byte hasPrincipal [string principalName] | int count | count x (string name, bytes value)
 * int crc32c
 * </pre>
 * where a string or bytes is an int length followed by that many bytes (strings in UTF-8).
 */
final class BinaryRecordFormat implements RecordFormat {

	/**
	 * The format; it keeps no state.
	 */
	static final BinaryRecordFormat INSTANCE = new BinaryRecordFormat();

	private static final int MAGIC = 0x53534631;

	/**
	 * The bytes at the start of a file that hold its magic number and the record's version.
	 */
	static final int HEADER_SIZE = 4 + 8;

	private static final int FIXED_SIZE = 4 + 8 * 4 + 4 + 1 + 4 + 4;

	private BinaryRecordFormat() {
	}

	@Override
	public byte[] encode(SessionRecord record) {
		byte[] id = utf8(record.id());
		String principal = record.principalName();
		byte[] principalBytes = (principal != null) ? utf8(principal) : null;
		int count = record.attributeCount();
		byte[][] names = new byte[count][];
		int size = FIXED_SIZE + id.length + ((principalBytes != null) ? 4 + principalBytes.length : 0);
		for (int i = 0; i < count; i++) {
			names[i] = utf8(record.attributeName(i));
			size += 8 + names[i].length + record.attributeValue(i).length;
		}
		ByteBuffer buffer = ByteBuffer.allocate(size);
		buffer.putInt(MAGIC)
			.putLong(record.version())
			.putLong(record.creationTime())
			.putLong(record.lastAccessedTime())
			.putLong(record.maxInactiveMillis());
		putBytes(buffer, id);
		buffer.put((byte) ((principalBytes != null) ? 1 : 0));
		if (principalBytes != null) {
			putBytes(buffer, principalBytes);
		}
		buffer.putInt(count);
		for (int i = 0; i < count; i++) {
			putBytes(buffer, names[i]);
			putBytes(buffer, record.attributeValue(i));
		}
		buffer.putInt(crc(buffer, size - 4));
		return buffer.array();
	}

	/**
	 * Decode a whole file: one record (what {@link #encode} writes), or the newest valid record
	 * of a file in the file store's {@linkplain SlottedFile two-slot layout}.
	 * @param bytes the file content
	 * @return the record
	 * @throws CorruptSessionFileException if the content holds no whole, valid record, or is a
	 * two-slot file marked gone (being replaced or deleted)
	 */
	@Override
	public SessionRecord decode(byte[] bytes) throws CorruptSessionFileException {
		ByteBuffer file = ByteBuffer.wrap(bytes);
		if (!SlottedFile.isSlotted(file)) {
			return decode(file);
		}
		SlottedFile.Read read = SlottedFile.read(file, this);
		if (read == null) {
			throw new CorruptSessionFileException("marked replaced or deleted by its writer");
		}
		return read.record();
	}

	/**
	 * Decode the record between a buffer's position and limit, leaving the buffer as it was;
	 * the buffer may be a mapped file.
	 * @param source the buffer
	 * @return the record
	 * @throws CorruptSessionFileException if the bytes are not a whole, valid record
	 */
	SessionRecord decode(ByteBuffer source) throws CorruptSessionFileException {
		int length = source.remaining();
		if (length < FIXED_SIZE) {
			throw new CorruptSessionFileException("only " + length + " bytes");
		}
		ByteBuffer buffer = source.slice().order(ByteOrder.BIG_ENDIAN);
		if (buffer.getInt() != MAGIC) {
			throw new CorruptSessionFileException("not a session file (wrong magic number)");
		}
		int crc = buffer.getInt(length - 4);
		if (crc != crc(buffer, length - 4)) {
			throw new CorruptSessionFileException("checksum mismatch (truncated or damaged)");
		}
		buffer.limit(length - 4);
		try {
			long version = buffer.getLong();
			long creationTime = buffer.getLong();
			long lastAccessedTime = buffer.getLong();
			long maxInactiveMillis = buffer.getLong();
			String id = getString(buffer);
			String principal = (buffer.get() != 0) ? getString(buffer) : null;
			int count = buffer.getInt();
			if (count < 0 || count > buffer.remaining() / 8) {
				throw new CorruptSessionFileException("invalid attribute count " + count);
			}
			String[] names = new String[count];
			byte[][] values = new byte[count][];
			for (int i = 0; i < count; i++) {
				names[i] = getString(buffer);
				values[i] = getBytes(buffer);
			}
			if (buffer.hasRemaining()) {
				throw new CorruptSessionFileException(buffer.remaining() + " unexpected bytes at the end");
			}
			return record(id, creationTime, lastAccessedTime, maxInactiveMillis, principal, names, values, version);
		}
		catch (BufferUnderflowException ex) {
			throw new CorruptSessionFileException("truncated", ex);
		}
	}

	/**
	 * Read the version from the start of a file, without reading the rest.
	 * @param header the first {@link #HEADER_SIZE} bytes of the file
	 * @return the version, or {@code null} if they are not the start of a binary session file
	 */
	static @Nullable Long version(ByteBuffer header) {
		if (header.remaining() < HEADER_SIZE || header.getInt(header.position()) != MAGIC) {
			return null;
		}
		return header.getLong(header.position() + 4);
	}

	private static SessionRecord record(String id, long creationTime, long lastAccessedTime, long maxInactiveMillis,
			@Nullable String principal, String[] names, byte[][] values, long version)
			throws CorruptSessionFileException {
		try {
			return new SessionRecord(id, creationTime, lastAccessedTime, maxInactiveMillis, principal, names, values,
					version);
		}
		catch (IllegalArgumentException ex) {
			throw new CorruptSessionFileException(ex.getMessage(), ex);
		}
	}

	private static byte[] utf8(String string) {
		return string.getBytes(StandardCharsets.UTF_8);
	}

	private static void putBytes(ByteBuffer buffer, byte[] bytes) {
		buffer.putInt(bytes.length).put(bytes);
	}

	private static String getString(ByteBuffer buffer) throws CorruptSessionFileException {
		return new String(getBytes(buffer), StandardCharsets.UTF_8);
	}

	private static byte[] getBytes(ByteBuffer buffer) throws CorruptSessionFileException {
		int length = buffer.getInt();
		if (length < 0 || length > buffer.remaining()) {
			throw new CorruptSessionFileException("invalid length " + length);
		}
		byte[] bytes = new byte[length];
		buffer.get(bytes);
		return bytes;
	}

	private static int crc(ByteBuffer buffer, int length) {
		CRC32C crc = new CRC32C();
		crc.update(buffer.duplicate().position(0).limit(length));
		return (int) crc.getValue();
	}

}
