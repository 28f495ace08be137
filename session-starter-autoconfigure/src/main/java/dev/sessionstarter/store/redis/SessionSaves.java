package dev.sessionstarter.store.redis;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionTooLargeException;

/**
 * The arguments of the save script ({@link SessionScripts#SAVE}) for a change, and the record
 * its short answer stands for: when the stored session was still at the version of the caller's
 * copy, the script answers only the new version, and the change applied to the copy is what the
 * session's hash holds.
 */
final class SessionSaves {

	/**
	 * The longest value Redis accepts in one string (its {@code proto-max-bulk-len} default).
	 */
	static final long MAX_VALUE_BYTES = 512L * 1024 * 1024;

	/**
	 * The number of arguments that fence a save ({@code ARGV[10]} to {@code ARGV[13]}).
	 */
	static final int FENCE_ARGUMENTS = 4;

	/**
	 * The number of arguments before the attributes ({@code ARGV[1]} to {@code ARGV[17]}).
	 */
	private static final int FIXED_ARGUMENTS = 17;

	private static final byte[] ONE = SessionHash.bytes("1");

	private static final byte[] ZERO = SessionHash.bytes("0");

	/**
	 * The retention a save that keeps the lock sends to keep it with the expiry it has.
	 */
	static final Long UNMOVED_RETENTION = 0L;

	private SessionSaves() {
	}

	/**
	 * Return the arguments of the save script for a change.
	 * @param change the change
	 * @param id the session id, encoded
	 * @param baseVersion the version a created session starts above
	 * @param now the current time, epoch millis
	 * @param marginMillis how long past its expiry the key is kept
	 * @param fence the fence of a save under a request lock this process holds (the owner token,
	 * the version its earlier save left or empty, the channel of released locks, the session id),
	 * or {@code null} for a save the lock does not fence
	 * @param copyVersion the version of the caller's copy of the session, which the caller applies
	 * the change to itself if the stored session is still at it, or {@code null}
	 * @param retainMillis how long the lock the save releases is retained instead,
	 * {@link #UNMOVED_RETENTION} to retain it with the expiry it has, or {@code null} to delete it
	 * @param requestsPrefix the prefix of the channels of release requests
	 * ({@link RedisKeys#lockRequestsPrefix()})
	 * @return the arguments
	 * @throws SessionTooLargeException if a value is longer than Redis accepts
	 */
	static byte[][] saveArguments(SessionChange change, byte[] id, long baseVersion, long now, long marginMillis,
			byte @Nullable [][] fence, @Nullable Long copyVersion, @Nullable Long retainMillis, byte[] requestsPrefix) {
		Map<String, byte @Nullable []> attributes = change.attributes();
		int set = 0;
		for (byte[] value : attributes.values()) {
			if (value != null) {
				if (value.length > MAX_VALUE_BYTES) {
					throw new SessionTooLargeException(change.id(), value.length, MAX_VALUE_BYTES);
				}
				set++;
			}
		}
		// in one array of its final size: the fixed arguments, the set pairs, then the removed names
		byte[][] args = new byte[FIXED_ARGUMENTS + set + attributes.size()][];
		args[0] = SessionHash.number(now);
		args[1] = SessionHash.number(marginMillis);
		args[2] = change.isCreate() ? ONE : ZERO;
		args[3] = SessionHash.number(change.creationTime());
		args[4] = SessionHash.number(baseVersion);
		args[5] = SessionHash.optionalNumber(change.lastAccessedTime());
		args[6] = SessionHash.optionalNumber(change.maxInactiveMillis());
		args[7] = change.isPrincipalNameChanged() ? ONE : ZERO;
		args[8] = (change.principalName() != null) ? SessionHash.bytes(change.principalName()) : SessionHash.EMPTY;
		if (fence == null) {
			for (int i = 9; i < 9 + FENCE_ARGUMENTS - 1; i++) {
				args[i] = SessionHash.EMPTY;
			}
			args[9 + FENCE_ARGUMENTS - 1] = id;
		}
		else {
			Assert.isTrue(fence.length == FENCE_ARGUMENTS, "A fence has " + FENCE_ARGUMENTS + " arguments");
			System.arraycopy(fence, 0, args, 9, FENCE_ARGUMENTS);
		}
		args[13] = SessionHash.optionalNumber(copyVersion);
		args[14] = SessionHash.optionalNumber(retainMillis);
		args[15] = requestsPrefix;
		args[16] = SessionHash.number(set);
		int next = FIXED_ARGUMENTS;
		int removed = FIXED_ARGUMENTS + 2 * set;
		for (Map.Entry<String, byte @Nullable []> attribute : attributes.entrySet()) {
			byte[] value = attribute.getValue();
			if (value == null) {
				args[removed++] = field(attribute.getKey());
			}
			else {
				args[next++] = field(attribute.getKey());
				args[next++] = value;
			}
		}
		return args;
	}

	/**
	 * Return the record a save made when the save script answered only its version: the change
	 * applied to the caller's copy, which the stored session was still at, or the session the
	 * change created.
	 * @param change the change
	 * @param copy the caller's copy, or {@code null}
	 * @param version the version the script answered
	 * @return the record, equal to what the session's hash holds now
	 */
	static SessionRecord applied(SessionChange change, @Nullable SessionRecord copy, long version) {
		if (copy != null && version == copy.version() + 1) {
			return SessionRecord.apply(copy, change);
		}
		Assert.state(change.isCreate(), "The save script answered no whole session");
		SessionRecord created = SessionRecord.apply(null, change);
		if (created.version() == version) {
			return created;
		}
		String[] names = created.attributeNames().toArray(new String[0]);
		byte[][] values = new byte[names.length][];
		for (int i = 0; i < names.length; i++) {
			values[i] = created.attributeValue(i);
		}
		return new SessionRecord(created.id(), created.creationTime(), created.lastAccessedTime(),
				created.maxInactiveMillis(), created.principalName(), names, values, version);
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
	 * Return the hash field of an attribute.
	 * @param attributeName the attribute's name
	 * @return {@code attr:<name>}, encoded
	 */
	static byte[] field(String attributeName) {
		byte[] name = SessionHash.bytes(attributeName);
		byte[] prefix = SessionHash.ATTRIBUTE_PREFIX;
		byte[] field = Arrays.copyOf(prefix, prefix.length + name.length);
		System.arraycopy(name, 0, field, prefix.length, name.length);
		return field;
	}

}
