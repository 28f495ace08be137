package dev.sessionstarter.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionTooLargeException;

/**
 * The fields of a session's hash, and the translation between them and a {@link SessionRecord}
 * or the arguments of the save script: {@code created}, {@code accessed} (epoch milliseconds),
 * {@code timeout} (milliseconds, negative for never), {@code principal}, {@code version}, and
 * {@code attr:<name>} for each attribute, its value as the session serializer encoded it.
 */
final class SessionHash {

	/**
	 * The longest value Redis accepts in one string (its {@code proto-max-bulk-len} default).
	 */
	static final long MAX_VALUE_BYTES = 512L * 1024 * 1024;

	/**
	 * The number of arguments that fence a save ({@code ARGV[10]} to {@code ARGV[13]}).
	 */
	static final int FENCE_ARGUMENTS = 4;

	private static final byte[] ATTRIBUTE_PREFIX = bytes("attr:");

	private static final byte[] EMPTY = {};

	private SessionHash() {
	}

	/**
	 * Read a record from the fields and values of a hash.
	 * @param id the session id
	 * @param fields field, value, field, value, ... as {@code HGETALL} answers them
	 * @param from the index of the first field
	 * @return the record, or {@code null} if the fields are not a whole session
	 */
	static @Nullable SessionRecord read(String id, List<?> fields, int from) {
		Long created = null;
		Long accessed = null;
		Long timeout = null;
		Long version = null;
		String principal = null;
		List<String> names = new ArrayList<>();
		List<byte[]> values = new ArrayList<>();
		for (int i = from; i + 1 < fields.size(); i += 2) {
			byte[] field = (byte[]) fields.get(i);
			byte[] value = (byte[]) fields.get(i + 1);
			if (startsWith(field, ATTRIBUTE_PREFIX)) {
				names.add(new String(field, ATTRIBUTE_PREFIX.length, field.length - ATTRIBUTE_PREFIX.length,
						StandardCharsets.UTF_8));
				values.add(value);
				continue;
			}
			switch (new String(field, StandardCharsets.UTF_8)) {
				case "created" -> created = number(value);
				case "accessed" -> accessed = number(value);
				case "timeout" -> timeout = number(value);
				case "version" -> version = number(value);
				case "principal" -> principal = new String(value, StandardCharsets.UTF_8);
				default -> {
					// a field of a later version of the store
				}
			}
		}
		if (created == null || accessed == null || timeout == null || version == null) {
			return null;
		}
		return new SessionRecord(id, created, accessed, timeout, principal, names.toArray(new String[0]),
				values.toArray(new byte[0][]), version);
	}

	/**
	 * Read a record from a hash.
	 * @param id the session id
	 * @param hash the hash, as {@code HGETALL} answers it
	 * @return the record, or {@code null} if the hash is empty or not a whole session
	 */
	static @Nullable SessionRecord read(String id, Map<byte[], byte[]> hash) {
		List<byte[]> fields = new ArrayList<>(hash.size() * 2);
		hash.forEach((field, value) -> {
			fields.add(field);
			fields.add(value);
		});
		return read(id, fields, 0);
	}

	/**
	 * Return the arguments of the save script for a change.
	 * @param change the change
	 * @param baseVersion the version a created session starts above
	 * @param now the current time, epoch millis
	 * @param marginMillis how long past its expiry the key is kept
	 * @param fence the fence of a save under a request lock this process holds (the owner token,
	 * the version its earlier save left or empty, the channel of released locks, the session id),
	 * or none for a save the lock does not fence
	 * @return the arguments
	 * @throws SessionTooLargeException if a value is longer than Redis accepts
	 */
	static byte[][] saveArguments(SessionChange change, long baseVersion, long now, long marginMillis,
			List<byte[]> fence) {
		List<byte[]> args = new ArrayList<>(FENCE_ARGUMENTS + 10 + 2 * change.attributes().size());
		args.add(number(now));
		args.add(number(marginMillis));
		args.add(bytes(change.isCreate() ? "1" : "0"));
		args.add(number(change.creationTime()));
		args.add(number(baseVersion));
		args.add(optionalNumber(change.lastAccessedTime()));
		args.add(optionalNumber(change.maxInactiveMillis()));
		args.add(bytes(change.isPrincipalNameChanged() ? "1" : "0"));
		args.add((change.principalName() != null) ? bytes(change.principalName()) : EMPTY);
		if (fence.isEmpty()) {
			for (int i = 0; i < FENCE_ARGUMENTS; i++) {
				args.add(EMPTY);
			}
		}
		else {
			Assert.isTrue(fence.size() == FENCE_ARGUMENTS, "A fence has " + FENCE_ARGUMENTS + " arguments");
			args.addAll(fence);
		}
		int count = args.size();
		List<byte[]> removed = new ArrayList<>();
		int set = 0;
		args.add(EMPTY);
		for (Map.Entry<String, byte @Nullable []> attribute : change.attributes().entrySet()) {
			byte[] value = attribute.getValue();
			if (value == null) {
				removed.add(bytes(attribute.getKey()));
				continue;
			}
			if (value.length > MAX_VALUE_BYTES) {
				throw new SessionTooLargeException(change.id(), value.length, MAX_VALUE_BYTES);
			}
			args.add(bytes(attribute.getKey()));
			args.add(value);
			set++;
		}
		args.set(count, number(set));
		args.addAll(removed);
		return args.toArray(new byte[0][]);
	}

	/**
	 * Return the change that writes a whole record as a new session.
	 * @param record the record
	 * @return a creating change that carries every field and attribute of the record
	 */
	static SessionChange creating(SessionRecord record) {
		Map<String, byte @Nullable []> attributes = new LinkedHashMap<>();
		for (int i = 0; i < record.attributeCount(); i++) {
			attributes.put(record.attributeName(i), record.attributeValue(i));
		}
		return new SessionChange(record.id(), null, true, record.creationTime(), record.lastAccessedTime(),
				record.maxInactiveMillis(), true, record.principalName(), attributes);
	}

	/**
	 * Read an integer Redis answered, as an integer or as a string.
	 * @param answer the answer
	 * @return the number
	 */
	static long number(Object answer) {
		return (answer instanceof Long number) ? number : Long.parseLong(new String((byte[]) answer,
				StandardCharsets.US_ASCII));
	}

	static byte[] number(long value) {
		return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
	}

	private static byte[] optionalNumber(@Nullable Long value) {
		return (value != null) ? number(value.longValue()) : EMPTY;
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static @Nullable String string(@Nullable Object answer) {
		return (answer != null) ? new String((byte[]) answer, StandardCharsets.UTF_8) : null;
	}

	private static boolean startsWith(byte[] bytes, byte[] prefix) {
		return bytes.length >= prefix.length
				&& Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
	}

}
