package dev.sessionstarter.serialization;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.serializer.support.SerializationFailedException;
import org.springframework.util.Assert;

/**
 * {@link SessionSerializer} that writes each attribute value as UTF-8 JSON a person can read,
 * with an explicit allow-list of the types it will create when reading.
 *
 * <p>Strings, booleans, {@code Integer}s, finite {@code Double}s and {@code ArrayList}s are
 * plain JSON. Every other value is an object that names its type: {@code {"@type":
 * "java.lang.Long", "value": 42}}. Maps, lists and sets keep their class when it has a public
 * no-argument constructor (otherwise they come back as {@code LinkedHashMap}, {@code ArrayList}
 * and {@code LinkedHashSet}), and their elements are encoded the same way, so nested values
 * round-trip with their types. Any other value (a record, a bean, an enum, a {@code java.time}
 * value) is bound by Jackson by its declared properties; Spring Security's types (a
 * {@code SecurityContext}) by Spring Security's own Jackson modules, when it is on the classpath.
 *
 * <p>Reading creates only classes the allow-list matches; a value whose type is not allowed,
 * is not on the classpath, or no longer matches its JSON fails with a
 * {@link SerializationFailedException}, so the repository drops that session.
 */
public final class JsonSessionSerializer implements SessionSerializer {

	/**
	 * Patterns (see {@link JavaSessionSerializer} for the syntax) that are always allowed: the
	 * JDK's value types and collections.
	 */
	public static final List<String> DEFAULT_ALLOWED = List.of("java.lang.String", "java.lang.Boolean",
			"java.lang.Character", "java.lang.Byte", "java.lang.Short", "java.lang.Integer", "java.lang.Long",
			"java.lang.Float", "java.lang.Double", "java.math.*", "java.time.*", "java.util.*", "java.net.URI",
			"java.net.URL", "org.springframework.security.**");

	/** The key of an object's type name: {@code {"@type": "java.lang.Long", "value": 42}}. */
	static final String TYPE = "@type";

	/** The key of a typed object's value, or of a map's entries when every key is a string. */
	static final String VALUE = "value";

	/** The key of a map's entries as {@code [key, value]} pairs when some key is not a string. */
	static final String ENTRIES = "entries";

	private final JsonMapper mapper;

	private final JsonValueEncoder encoder;

	private final JsonValueDecoder decoder;

	/**
	 * Create a serializer that allows {@link #DEFAULT_ALLOWED} and the given patterns.
	 * @param allowedPatterns extra class patterns, such as {@code com.example.**}
	 * @param classLoader the class loader that resolves attribute classes, or {@code null} for
	 * the default
	 */
	public JsonSessionSerializer(List<String> allowedPatterns, @Nullable ClassLoader classLoader) {
		Assert.notNull(allowedPatterns, "'allowedPatterns' must not be null");
		ClassNamePatterns allowed = new ClassNamePatterns(
				Stream.concat(DEFAULT_ALLOWED.stream(), allowedPatterns.stream()).toList());
		JsonMappers mappers = new JsonMappers(classLoader, allowed);
		this.mapper = mappers.plain();
		this.encoder = new JsonValueEncoder(mappers);
		this.decoder = new JsonValueDecoder(mappers, allowed, classLoader);
	}

	@Override
	public byte[] serialize(Object value) {
		Assert.notNull(value, "'value' must not be null");
		try {
			return this.mapper.writeValueAsBytes(this.encoder.encode(value));
		}
		catch (JacksonException ex) {
			throw new SerializationFailedException(
					"Cannot write session attribute of type " + value.getClass().getName() + " as JSON", ex);
		}
	}

	@Override
	public Object deserialize(byte[] bytes) {
		Assert.notNull(bytes, "'bytes' must not be null");
		JsonNode node;
		try {
			node = this.mapper.readTree(bytes);
		}
		catch (JacksonException ex) {
			throw new SerializationFailedException("Corrupt session attribute value: " + ex.getOriginalMessage(), ex);
		}
		if (node == null || node.isMissingNode() || node.isNull()) {
			throw new SerializationFailedException("Empty session attribute value: "
					+ new String(bytes, StandardCharsets.UTF_8));
		}
		return this.decoder.decode(node);
	}

}
