package dev.sessionstarter.serialization;

import java.io.ObjectInputFilter;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.core.serializer.support.SerializationFailedException;
import org.springframework.util.Assert;

/**
 * {@link SessionSerializer} based on JDK serialization, guarded by an
 * {@link ObjectInputFilter} allow-list.
 *
 * <p>Strings and boxed {@code Integer}, {@code Long} and {@code Boolean} values, the bulk of
 * most sessions, are written in a compact form (a tag byte and the value); everything else
 * is a plain JDK serialization stream, recognised by its {@code 0xACED} magic. Decoding runs
 * under the allow-list: a class outside it, or one whose serialized form no longer matches
 * the class on the classpath, fails with a {@link SerializationFailedException} naming it.
 */
public final class JavaSessionSerializer implements SessionSerializer {

	/**
	 * Patterns (in {@link ObjectInputFilter.Config#createFilter(String)} syntax) that are always
	 * allowed: JDK value types and collections, and the types Spring Security keeps in a session.
	 */
	public static final List<String> DEFAULT_ALLOWED = List.of("java.lang.*", "java.util.*", "java.time.*",
			"java.math.*", "java.net.URI", "java.net.URL", "org.springframework.security.**",
			"org.springframework.session.**");

	private static final byte TAG_STRING = 1;

	private static final byte TAG_INTEGER = 2;

	private static final byte TAG_LONG = 3;

	private static final byte TAG_BOOLEAN = 4;

	private static final byte JDK_STREAM_MAGIC = (byte) 0xAC;

	private final JdkObjectStreams streams;

	/**
	 * Create a serializer that allows {@link #DEFAULT_ALLOWED} and the given patterns.
	 * @param allowedPatterns extra class patterns, such as {@code com.example.**}
	 * @param classLoader the class loader that resolves attribute classes, or {@code null} for
	 * the default
	 */
	public JavaSessionSerializer(List<String> allowedPatterns, @Nullable ClassLoader classLoader) {
		Assert.notNull(allowedPatterns, "'allowedPatterns' must not be null");
		this.streams = new JdkObjectStreams(DEFAULT_ALLOWED, allowedPatterns, classLoader);
	}

	@Override
	public byte[] serialize(Object value) {
		Assert.notNull(value, "'value' must not be null");
		if (value instanceof String string) {
			byte[] utf8 = string.getBytes(StandardCharsets.UTF_8);
			byte[] bytes = new byte[utf8.length + 1];
			bytes[0] = TAG_STRING;
			System.arraycopy(utf8, 0, bytes, 1, utf8.length);
			return bytes;
		}
		if (value instanceof Integer number) {
			return withBigEndian(TAG_INTEGER, number, 4);
		}
		if (value instanceof Long number) {
			return withBigEndian(TAG_LONG, number, 8);
		}
		if (value instanceof Boolean flag) {
			return new byte[] { TAG_BOOLEAN, (byte) (flag ? 1 : 0) };
		}
		return this.streams.write(value);
	}

	@Override
	public Object deserialize(byte[] bytes) {
		Assert.notNull(bytes, "'bytes' must not be null");
		if (bytes.length == 0) {
			throw new SerializationFailedException("Empty session attribute value");
		}
		switch (bytes[0]) {
			case TAG_STRING:
				return new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
			case TAG_INTEGER:
				checkLength(bytes, 5);
				return (int) bigEndian(bytes);
			case TAG_LONG:
				checkLength(bytes, 9);
				return bigEndian(bytes);
			case TAG_BOOLEAN:
				checkLength(bytes, 2);
				return bytes[1] != 0;
			case JDK_STREAM_MAGIC:
				return this.streams.read(bytes);
			default:
				throw new SerializationFailedException("Unknown session attribute encoding (first byte "
						+ (bytes[0] & 0xFF) + ")");
		}
	}

	/**
	 * Return a tag byte followed by the low {@code length} bytes of a value, most significant
	 * first (the layout of {@code ByteBuffer.putInt} and {@code putLong}).
	 */
	private static byte[] withBigEndian(byte tag, long value, int length) {
		byte[] bytes = new byte[length + 1];
		bytes[0] = tag;
		for (int i = length; i > 0; i--) {
			bytes[i] = (byte) value;
			value >>= 8;
		}
		return bytes;
	}

	/**
	 * Return the value of the bytes after the tag, most significant first, sign-extended from
	 * the first of them.
	 */
	private static long bigEndian(byte[] bytes) {
		long value = bytes[1];
		for (int i = 2; i < bytes.length; i++) {
			value = (value << 8) | (bytes[i] & 0xFF);
		}
		return value;
	}

	private static void checkLength(byte[] bytes, int expected) {
		if (bytes.length != expected) {
			throw new SerializationFailedException("Corrupt session attribute value: " + bytes.length
					+ " bytes where " + expected + " were expected");
		}
	}

}
