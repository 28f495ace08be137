package dev.sessionstarter.serialization;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.core.serializer.support.SerializationFailedException;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

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

	private final ObjectInputFilter filter;

	private final @Nullable ClassLoader classLoader;

	/**
	 * Create a serializer that allows {@link #DEFAULT_ALLOWED} and the given patterns.
	 * @param allowedPatterns extra class patterns, such as {@code com.example.**}
	 * @param classLoader the class loader that resolves attribute classes, or {@code null} for
	 * the default
	 */
	public JavaSessionSerializer(List<String> allowedPatterns, @Nullable ClassLoader classLoader) {
		Assert.notNull(allowedPatterns, "'allowedPatterns' must not be null");
		StringBuilder spec = new StringBuilder("maxdepth=64;");
		for (String pattern : DEFAULT_ALLOWED) {
			spec.append(pattern).append(';');
		}
		for (String pattern : allowedPatterns) {
			Assert.isTrue(!pattern.isBlank() && !pattern.contains(";") && !pattern.startsWith("!"),
					() -> "Invalid allowed class pattern '" + pattern + "'");
			spec.append(pattern.trim()).append(';');
		}
		spec.append("!*");
		this.filter = ObjectInputFilter.Config.createFilter(spec.toString());
		this.classLoader = classLoader;
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
		ByteArrayOutputStream out = new ByteArrayOutputStream(256);
		try (ObjectOutputStream stream = new ObjectOutputStream(out)) {
			stream.writeObject(value);
		}
		catch (NotSerializableException ex) {
			throw new SerializationFailedException("Session attribute of type " + value.getClass().getName()
					+ " is not serializable: " + ex.getMessage(), ex);
		}
		catch (IOException ex) {
			throw new SerializationFailedException(
					"Cannot serialize session attribute of type " + value.getClass().getName(), ex);
		}
		return out.toByteArray();
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
				return readObject(bytes);
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

	private Object readObject(byte[] bytes) {
		FilteredObjectInputStream stream = null;
		try {
			stream = new FilteredObjectInputStream(new ByteArrayInputStream(bytes));
			return stream.readObject();
		}
		catch (InvalidClassException ex) {
			String rejected = (stream != null) ? stream.rejectedClass : null;
			if (rejected != null) {
				throw new SerializationFailedException("Session attribute class " + rejected
						+ " is not allowed (see sessions.allowed-classes)", ex);
			}
			throw new SerializationFailedException(
					"Session attribute class " + ex.classname + " changed incompatibly: " + ex.getMessage(), ex);
		}
		catch (ClassNotFoundException ex) {
			throw new SerializationFailedException("Session attribute class not found: " + ex.getMessage(), ex);
		}
		catch (LinkageError ex) {
			throw new SerializationFailedException("Session attribute class cannot be loaded: " + ex, ex);
		}
		catch (IOException | RuntimeException ex) {
			throw new SerializationFailedException("Corrupt session attribute value: " + ex, ex);
		}
		finally {
			closeQuietly(stream);
		}
	}

	private static void closeQuietly(@Nullable ObjectInputStream stream) {
		if (stream != null) {
			try {
				stream.close();
			}
			catch (IOException ex) {
				// nothing to release for an in-memory stream
			}
		}
	}

	private static void checkLength(byte[] bytes, int expected) {
		if (bytes.length != expected) {
			throw new SerializationFailedException("Corrupt session attribute value: " + bytes.length
					+ " bytes where " + expected + " were expected");
		}
	}

	private final class FilteredObjectInputStream extends ObjectInputStream {

		private @Nullable String rejectedClass;

		FilteredObjectInputStream(ByteArrayInputStream in) throws IOException {
			super(in);
			setObjectInputFilter(this::check);
		}

		private ObjectInputFilter.Status check(ObjectInputFilter.FilterInfo info) {
			ObjectInputFilter.Status status = JavaSessionSerializer.this.filter.checkInput(info);
			if (status == ObjectInputFilter.Status.REJECTED && info.serialClass() != null) {
				this.rejectedClass = info.serialClass().getName();
			}
			return status;
		}

		@Override
		protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
			ClassLoader loader = JavaSessionSerializer.this.classLoader;
			if (loader == null) {
				return super.resolveClass(desc);
			}
			return ClassUtils.forName(desc.getName(), loader);
		}

	}

}
