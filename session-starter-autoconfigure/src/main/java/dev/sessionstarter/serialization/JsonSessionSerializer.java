package dev.sessionstarter.serialization;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.core.serializer.support.SerializationFailedException;
import org.springframework.security.jackson.SecurityJacksonModules;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

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

	private static final String SECURITY_PACKAGE = "org.springframework.security.";

	private static final String SECURITY_MODULES = "org.springframework.security.jackson.SecurityJacksonModules";

	private static final String TYPE = "@type";

	private static final String VALUE = "value";

	private static final String ENTRIES = "entries";

	private final JsonMapper mapper = JsonMapper.builder()
		.enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
		.build();

	private final JsonNodeFactory nodes = this.mapper.getNodeFactory();

	private final @Nullable JsonMapper securityMapper;

	private final ClassNamePatterns allowed;

	private final @Nullable ClassLoader classLoader;

	/**
	 * Create a serializer that allows {@link #DEFAULT_ALLOWED} and the given patterns.
	 * @param allowedPatterns extra class patterns, such as {@code com.example.**}
	 * @param classLoader the class loader that resolves attribute classes, or {@code null} for
	 * the default
	 */
	public JsonSessionSerializer(List<String> allowedPatterns, @Nullable ClassLoader classLoader) {
		Assert.notNull(allowedPatterns, "'allowedPatterns' must not be null");
		this.allowed = new ClassNamePatterns(Stream.concat(DEFAULT_ALLOWED.stream(), allowedPatterns.stream()).toList());
		this.classLoader = classLoader;
		this.securityMapper = ClassUtils.isPresent(SECURITY_MODULES, classLoader)
				? SecurityMapper.create(classLoader, this.allowed) : null;
	}

	@Override
	public byte[] serialize(Object value) {
		Assert.notNull(value, "'value' must not be null");
		try {
			return this.mapper.writeValueAsBytes(encode(value));
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
		return decode(node);
	}

	private JsonNode encode(@Nullable Object value) {
		if (value == null) {
			return this.nodes.nullNode();
		}
		if (value instanceof String string) {
			return this.nodes.stringNode(string);
		}
		if (value instanceof Boolean flag) {
			return this.nodes.booleanNode(flag);
		}
		if (value instanceof Integer number) {
			return this.nodes.numberNode(number);
		}
		if (value instanceof Double number && Double.isFinite(number)) {
			return this.nodes.numberNode(number);
		}
		if (value.getClass() == ArrayList.class) {
			return elements((Collection<?>) value);
		}
		if (value instanceof Map<?, ?> map) {
			return writeMap(collectionType(map.getClass(), LinkedHashMap.class), map);
		}
		if (value instanceof Collection<?> collection) {
			Class<?> fallback = (collection instanceof Set) ? LinkedHashSet.class : ArrayList.class;
			Class<?> type = collectionType(collection.getClass(), fallback);
			return (type == ArrayList.class) ? elements(collection) : typed(type, elements(collection));
		}
		Class<?> type = (value instanceof Enum<?> constant) ? constant.getDeclaringClass() : value.getClass();
		return typed(type, mapperFor(type).valueToTree(value));
	}

	private ArrayNode elements(Collection<?> collection) {
		ArrayNode array = this.nodes.arrayNode(collection.size());
		collection.forEach((element) -> array.add(encode(element)));
		return array;
	}

	private ObjectNode writeMap(Class<?> type, Map<?, ?> map) {
		ObjectNode node = this.nodes.objectNode();
		node.put(TYPE, type.getName());
		if (map.keySet().stream().allMatch(String.class::isInstance)) {
			ObjectNode values = node.putObject(VALUE);
			map.forEach((key, value) -> values.set((String) key, encode(value)));
		}
		else {
			ArrayNode entries = node.putArray(ENTRIES);
			map.forEach((key, value) -> entries.add(this.nodes.arrayNode(2).add(encode(key)).add(encode(value))));
		}
		return node;
	}

	private ObjectNode typed(Class<?> type, JsonNode value) {
		ObjectNode node = this.nodes.objectNode();
		node.put(TYPE, type.getName());
		node.set(VALUE, value);
		return node;
	}

	private static Class<?> collectionType(Class<?> type, Class<?> fallback) {
		if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
			return fallback;
		}
		try {
			Constructor<?> constructor = type.getConstructor();
			return Modifier.isPublic(constructor.getModifiers()) ? type : fallback;
		}
		catch (NoSuchMethodException ex) {
			return fallback;
		}
	}

	private @Nullable Object decode(JsonNode node) {
		if (node.isNull()) {
			return null;
		}
		if (node.isString()) {
			return node.stringValue();
		}
		if (node.isBoolean()) {
			return node.booleanValue();
		}
		if (node.isIntegralNumber()) {
			return node.canConvertToInt() ? (Object) node.intValue() : (Object) node.longValue();
		}
		if (node.isNumber()) {
			return node.doubleValue();
		}
		if (node.isArray()) {
			return fill(new ArrayList<>(node.size()), node);
		}
		JsonNode typeNode = node.get(TYPE);
		if (typeNode == null || !typeNode.isString()) {
			throw new SerializationFailedException("Corrupt session attribute value: an object without \"" + TYPE
					+ "\"");
		}
		Class<?> type = resolve(typeNode.stringValue());
		if (Map.class.isAssignableFrom(type)) {
			return readMap(type, node);
		}
		JsonNode value = node.path(VALUE);
		if (Collection.class.isAssignableFrom(type)) {
			return fill(instantiate(type), value);
		}
		try {
			return mapperFor(type).treeToValue(value, type);
		}
		catch (JacksonException ex) {
			throw new SerializationFailedException("Session attribute class " + type.getName()
					+ " changed incompatibly or its JSON is corrupt: " + ex.getOriginalMessage(), ex);
		}
	}

	@SuppressWarnings("unchecked")
	private Collection<Object> fill(Object target, JsonNode array) {
		if (!array.isArray()) {
			throw new SerializationFailedException("Corrupt session attribute value: a collection that is not an array");
		}
		Collection<Object> collection = (Collection<Object>) target;
		for (JsonNode element : array) {
			collection.add(decode(element));
		}
		return collection;
	}

	@SuppressWarnings("unchecked")
	private Map<Object, Object> readMap(Class<?> type, JsonNode node) {
		Map<Object, Object> map = (Map<Object, Object>) instantiate(type);
		JsonNode values = node.get(VALUE);
		JsonNode entries = node.get(ENTRIES);
		if (values != null && values.isObject()) {
			for (Map.Entry<String, JsonNode> entry : values.properties()) {
				map.put(entry.getKey(), decode(entry.getValue()));
			}
		}
		else if (entries != null && entries.isArray()) {
			for (JsonNode entry : entries) {
				if (!entry.isArray() || entry.size() != 2) {
					throw new SerializationFailedException("Corrupt session attribute value: a map entry that is not a pair");
				}
				map.put(decode(entry.get(0)), decode(entry.get(1)));
			}
		}
		else {
			throw new SerializationFailedException("Corrupt session attribute value: a map without entries");
		}
		return map;
	}

	/**
	 * Return the mapper for a bean type: Spring Security's types need its Jackson modules, which
	 * bring their own allow-list of the types inside them.
	 */
	private JsonMapper mapperFor(Class<?> type) {
		JsonMapper securityMapper = this.securityMapper;
		return (securityMapper != null && type.getName().startsWith(SECURITY_PACKAGE)) ? securityMapper : this.mapper;
	}

	private Class<?> resolve(String className) {
		if (!this.allowed.matches(className)) {
			throw new SerializationFailedException("Session attribute class " + className
					+ " is not allowed (add it to sessions.allowed-classes)");
		}
		try {
			return ClassUtils.forName(className, this.classLoader);
		}
		catch (ClassNotFoundException | LinkageError ex) {
			throw new SerializationFailedException("Session attribute class not found: " + className, ex);
		}
	}

	private static Object instantiate(Class<?> type) {
		try {
			return type.getConstructor().newInstance();
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			throw new SerializationFailedException("Cannot create session attribute collection " + type.getName(), ex);
		}
	}

	/**
	 * Builds the mapper for Spring Security's types apart, so that Spring Security is only
	 * needed when it is on the classpath.
	 */
	private static final class SecurityMapper {

		/**
		 * Create the mapper; the types inside Spring Security's (a custom principal, say) must
		 * be allowed by the serializer's allow-list as well.
		 */
		static JsonMapper create(@Nullable ClassLoader classLoader, ClassNamePatterns allowed) {
			ClassLoader loader = (classLoader != null) ? classLoader : SecurityMapper.class.getClassLoader();
			BasicPolymorphicTypeValidator.Builder validator = BasicPolymorphicTypeValidator.builder()
				.allowIfSubType((context, type) -> allowed.matches(type.getName()));
			return JsonMapper.builder()
				.addModules(SecurityJacksonModules.getModules(loader, validator))
				.build();
		}

	}

}
