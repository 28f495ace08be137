package dev.sessionstarter.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionRecord;

/**
 * The fields of a session's hash, and the translation between them and a {@link SessionRecord}
 * (the save script's arguments are {@link SessionSaves}): {@code created}, {@code accessed} (epoch milliseconds),
 * {@code timeout} (milliseconds, negative for never), {@code principal}, {@code version}, and
 * {@code attr:<name>} for each attribute, its value as the session serializer encoded it.
 */
final class SessionHash {

	/**
	 * The prefix of the field of an attribute.
	 */
	static final byte[] ATTRIBUTE_PREFIX = bytes("attr:");

	/**
	 * An empty argument.
	 */
	static final byte[] EMPTY = {};

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
	 * Read an integer Redis answered, as an integer or as a string.
	 * @param answer the answer
	 * @return the number
	 */
	static long number(Object answer) {
		return (answer instanceof Long number) ? number : Long.parseLong(new String((byte[]) answer,
				StandardCharsets.US_ASCII));
	}

	/**
	 * Encode a number in decimal ASCII, as Redis reads integers, without making a string.
	 * @param value the number
	 * @return its digits, with a leading {@code -} if negative
	 */
	static byte[] number(long value) {
		if (value == Long.MIN_VALUE) {
			return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
		}
		long rest = Math.abs(value);
		int count = 1;
		// 19 digits at most: the bound is not raised past 10^18
		for (long bound = 10; count < 19 && rest >= bound; bound *= 10) {
			count++;
		}
		byte[] digits = new byte[(value < 0) ? count + 1 : count];
		int i = digits.length;
		do {
			digits[--i] = (byte) ('0' + (rest % 10));
			rest /= 10;
		}
		while (rest > 0);
		if (value < 0) {
			digits[0] = '-';
		}
		return digits;
	}

	static byte[] optionalNumber(@Nullable Long value) {
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
