package dev.sessionstarter.serialization;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import org.springframework.core.serializer.support.SerializationFailedException;
import org.springframework.util.ClassUtils;

import static dev.sessionstarter.serialization.JsonSessionSerializer.ENTRIES;
import static dev.sessionstarter.serialization.JsonSessionSerializer.TYPE;
import static dev.sessionstarter.serialization.JsonSessionSerializer.VALUE;

/**
 * The reading half of {@link JsonSessionSerializer}: turns a JSON tree back into the attribute
 * value, creating only the classes the allow-list matches.
 */
final class JsonValueDecoder {

	private final JsonMappers mappers;

	private final ClassNamePatterns allowed;

	private final @Nullable ClassLoader classLoader;

	JsonValueDecoder(JsonMappers mappers, ClassNamePatterns allowed, @Nullable ClassLoader classLoader) {
		this.mappers = mappers;
		this.allowed = allowed;
		this.classLoader = classLoader;
	}

	@Nullable Object decode(JsonNode node) {
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
			return this.mappers.mapperFor(type).treeToValue(value, type);
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

}
