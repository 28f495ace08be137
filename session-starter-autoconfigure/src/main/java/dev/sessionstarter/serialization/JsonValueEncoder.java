package dev.sessionstarter.serialization;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static dev.sessionstarter.serialization.JsonSessionSerializer.ENTRIES;
import static dev.sessionstarter.serialization.JsonSessionSerializer.TYPE;
import static dev.sessionstarter.serialization.JsonSessionSerializer.VALUE;

/**
 * The writing half of {@link JsonSessionSerializer}: turns an attribute value into the JSON tree
 * its format describes, plain JSON for the plain types and an object naming its type for the rest.
 */
final class JsonValueEncoder {

	private final JsonMappers mappers;

	private final JsonNodeFactory nodes;

	JsonValueEncoder(JsonMappers mappers) {
		this.mappers = mappers;
		this.nodes = mappers.plain().getNodeFactory();
	}

	JsonNode encode(@Nullable Object value) {
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
		return typed(type, this.mappers.mapperFor(type).valueToTree(value));
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

}
