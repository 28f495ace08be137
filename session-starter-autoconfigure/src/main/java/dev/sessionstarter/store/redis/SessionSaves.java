package dev.sessionstarter.store.redis;

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

	private SessionSaves() {
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
	 * @param copyVersion the version of the caller's copy of the session, which the caller applies
	 * the change to itself if the stored session is still at it, or {@code null}
	 * @param retainMillis how long the lock the save releases is retained instead, or {@code null}
	 * to delete it
	 * @param requestsPrefix the prefix of the channels of release requests
	 * ({@link RedisKeys#lockRequestsPrefix()})
	 * @return the arguments
	 * @throws SessionTooLargeException if a value is longer than Redis accepts
	 */
	static byte[][] saveArguments(SessionChange change, long baseVersion, long now, long marginMillis,
			List<byte[]> fence, @Nullable Long copyVersion, @Nullable Long retainMillis, byte[] requestsPrefix) {
		List<byte[]> args = new ArrayList<>(FENCE_ARGUMENTS + 12 + 2 * change.attributes().size());
		args.add(SessionHash.number(now));
		args.add(SessionHash.number(marginMillis));
		args.add(SessionHash.bytes(change.isCreate() ? "1" : "0"));
		args.add(SessionHash.number(change.creationTime()));
		args.add(SessionHash.number(baseVersion));
		args.add(SessionHash.optionalNumber(change.lastAccessedTime()));
		args.add(SessionHash.optionalNumber(change.maxInactiveMillis()));
		args.add(SessionHash.bytes(change.isPrincipalNameChanged() ? "1" : "0"));
		args.add((change.principalName() != null) ? SessionHash.bytes(change.principalName()) : SessionHash.EMPTY);
		if (fence.isEmpty()) {
			for (int i = 1; i < FENCE_ARGUMENTS; i++) {
				args.add(SessionHash.EMPTY);
			}
			args.add(SessionHash.bytes(change.id()));
		}
		else {
			Assert.isTrue(fence.size() == FENCE_ARGUMENTS, "A fence has " + FENCE_ARGUMENTS + " arguments");
			args.addAll(fence);
		}
		args.add(SessionHash.optionalNumber(copyVersion));
		args.add(SessionHash.optionalNumber(retainMillis));
		args.add(requestsPrefix);
		int count = args.size();
		List<byte[]> removed = new ArrayList<>();
		int set = 0;
		args.add(SessionHash.EMPTY);
		for (Map.Entry<String, byte @Nullable []> attribute : change.attributes().entrySet()) {
			byte[] value = attribute.getValue();
			if (value == null) {
				removed.add(field(attribute.getKey()));
				continue;
			}
			if (value.length > MAX_VALUE_BYTES) {
				throw new SessionTooLargeException(change.id(), value.length, MAX_VALUE_BYTES);
			}
			args.add(field(attribute.getKey()));
			args.add(value);
			set++;
		}
		args.set(count, SessionHash.number(set));
		args.addAll(removed);
		return args.toArray(new byte[0][]);
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

	private static byte[] field(String attributeName) {
		byte[] name = SessionHash.bytes(attributeName);
		byte[] prefix = SessionHash.ATTRIBUTE_PREFIX;
		byte[] field = Arrays.copyOf(prefix, prefix.length + name.length);
		System.arraycopy(name, 0, field, prefix.length, name.length);
		return field;
	}

}
