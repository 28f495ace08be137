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
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.core.serializer.support.SerializationFailedException;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * The JDK serialization streams of {@link JavaSessionSerializer}: writes a value as a plain
 * stream and reads one back under an {@link ObjectInputFilter} allow-list, naming a rejected or
 * changed class in the {@link SerializationFailedException} it throws.
 */
final class JdkObjectStreams {

	private final ObjectInputFilter filter;

	private final @Nullable ClassLoader classLoader;

	/**
	 * Create the streams with a filter that allows the given patterns and rejects every other class.
	 * @param defaults patterns allowed as they are, in filter syntax
	 * @param extra more patterns (a user's), each checked and trimmed
	 * @param classLoader the class loader that resolves classes, or {@code null} for the default
	 */
	JdkObjectStreams(List<String> defaults, List<String> extra, @Nullable ClassLoader classLoader) {
		StringBuilder spec = new StringBuilder("maxdepth=64;");
		for (String pattern : defaults) {
			spec.append(pattern).append(';');
		}
		for (String pattern : extra) {
			Assert.isTrue(!pattern.isBlank() && !pattern.contains(";") && !pattern.startsWith("!"),
					() -> "Invalid allowed class pattern '" + pattern + "'");
			spec.append(pattern.trim()).append(';');
		}
		spec.append("!*");
		this.filter = ObjectInputFilter.Config.createFilter(spec.toString());
		this.classLoader = classLoader;
	}

	/** Write a value as a JDK serialization stream. */
	byte[] write(Object value) {
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

	/** Read a JDK serialization stream under the filter. */
	Object read(byte[] bytes) {
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

	private final class FilteredObjectInputStream extends ObjectInputStream {

		private @Nullable String rejectedClass;

		FilteredObjectInputStream(ByteArrayInputStream in) throws IOException {
			super(in);
			setObjectInputFilter(this::check);
		}

		private ObjectInputFilter.Status check(ObjectInputFilter.FilterInfo info) {
			ObjectInputFilter.Status status = JdkObjectStreams.this.filter.checkInput(info);
			if (status == ObjectInputFilter.Status.REJECTED && info.serialClass() != null) {
				this.rejectedClass = info.serialClass().getName();
			}
			return status;
		}

		@Override
		protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
			ClassLoader loader = JdkObjectStreams.this.classLoader;
			if (loader == null) {
				return super.resolveClass(desc);
			}
			return ClassUtils.forName(desc.getName(), loader);
		}

	}

}
