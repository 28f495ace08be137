package dev.sessionstarter.store.file;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.sessionstarter.store.SessionRecord;

/**
 * The JSON session file: an indented document a person can read, with the attribute values
 * embedded as JSON (they must be JSON, as the {@code json} serializer writes them).
 *
 * <pre>
 * {
 *   "format" : "session-starter/1",
 *   "id" : "…", "version" : 3,
 *   "creationTime" : 1767225600000, "lastAccessedTime" : 1767225660000, "maxInactiveMillis" : 1800000,
 *   "expiresAt" : "2026-01-01T00:31:00Z",
 *   "principalName" : "alice",
 *   "attributes" : { "cart" : { … } }
 * }
 * </pre>
 * {@code expiresAt} is written for people and ignored when read.
 */
final class JsonRecordFormat implements RecordFormat {

	private static final String FORMAT = "session-starter/1";

	private final JsonMapper mapper = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
		.build();

	private final ObjectWriter writer = this.mapper.writer().with(SerializationFeature.INDENT_OUTPUT);

	@Override
	public byte[] encode(SessionRecord record) {
		ObjectNode root = this.mapper.createObjectNode();
		root.put("format", FORMAT);
		root.put("id", record.id());
		root.put("version", record.version());
		root.put("creationTime", record.creationTime());
		root.put("lastAccessedTime", record.lastAccessedTime());
		root.put("maxInactiveMillis", record.maxInactiveMillis());
		Instant expiresAt = record.expiresAt();
		if (expiresAt != null) {
			root.put("expiresAt", expiresAt.toString());
		}
		root.put("principalName", record.principalName());
		ObjectNode attributes = root.putObject("attributes");
		for (int i = 0; i < record.attributeCount(); i++) {
			JsonNode value;
			try {
				value = this.mapper.readTree(record.attributeValue(i));
			}
			catch (JacksonException ex) {
				throw new IllegalStateException("Session attribute '" + record.attributeName(i)
						+ "' is not JSON: the json file format needs the json serializer", ex);
			}
			attributes.set(record.attributeName(i), value);
		}
		return this.writer.writeValueAsBytes(root);
	}

	@Override
	public SessionRecord decode(byte[] bytes) throws CorruptSessionFileException {
		JsonNode root;
		try {
			root = this.mapper.readTree(bytes);
		}
		catch (JacksonException ex) {
			throw new CorruptSessionFileException("not valid JSON (" + ex.getOriginalMessage() + ")", ex);
		}
		if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").stringValue(null))) {
			throw new CorruptSessionFileException("not a session file (no \"format\": \"" + FORMAT + "\")");
		}
		JsonNode attributes = root.path("attributes");
		if (!attributes.isObject()) {
			throw new CorruptSessionFileException("no \"attributes\" object");
		}
		List<String> names = new ArrayList<>(attributes.size());
		List<byte[]> values = new ArrayList<>(attributes.size());
		for (Map.Entry<String, JsonNode> attribute : attributes.properties()) {
			names.add(attribute.getKey());
			values.add(this.mapper.writeValueAsBytes(attribute.getValue()));
		}
		try {
			return new SessionRecord(string(root, "id"), number(root, "creationTime"),
					number(root, "lastAccessedTime"), number(root, "maxInactiveMillis"), principalName(root),
					names.toArray(new String[0]), values.toArray(new byte[0][]), number(root, "version"));
		}
		catch (IllegalArgumentException ex) {
			throw new CorruptSessionFileException(ex.getMessage(), ex);
		}
	}

	private static @Nullable String principalName(JsonNode root) throws CorruptSessionFileException {
		JsonNode node = root.path("principalName");
		if (node.isMissingNode() || node.isNull()) {
			return null;
		}
		return string(root, "principalName");
	}

	private static String string(JsonNode root, String name) throws CorruptSessionFileException {
		JsonNode node = root.path(name);
		if (!node.isString()) {
			throw new CorruptSessionFileException("\"" + name + "\" is not a string");
		}
		return node.stringValue();
	}

	private static long number(JsonNode root, String name) throws CorruptSessionFileException {
		JsonNode node = root.path(name);
		if (!node.isIntegralNumber() || !node.canConvertToLong()) {
			throw new CorruptSessionFileException("\"" + name + "\" is not a whole number");
		}
		return node.longValue();
	}

}
