package dev.sessionstarter.daemon.protocol;

import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionIds;
import dev.sessionstarter.store.SessionRecord;

/**
 * Encodes {@link SessionRecord records}, {@link SessionChange changes} and {@link DaemonStats}
 * for the wire and for the daemon's stored files; both the daemon and its clients use it, so
 * there is one format. Every session id read is checked with {@link SessionIds}, so no input
 * can make an id that names a path or confuses the protocol.
 */
public final class WireCodec {

	private static final int FLAG_CREATE = 1;

	private static final int FLAG_PRINCIPAL_CHANGED = 2;

	private static final int FLAG_LAST_ACCESSED = 4;

	private static final int FLAG_MAX_INACTIVE = 8;

	private static final int MIN_ATTRIBUTE_BYTES = 8;

	private WireCodec() {
	}

	/**
	 * Write a record: id, creation time, last access time, timeout, principal name, version,
	 * then the attribute count and each name and value.
	 * @param output the output
	 * @param record the record
	 */
	public static void writeRecord(WireOutput output, SessionRecord record) {
		output.writeString(record.id())
			.writeLong(record.creationTime())
			.writeLong(record.lastAccessedTime())
			.writeLong(record.maxInactiveMillis())
			.writeString(record.principalName())
			.writeLong(record.version())
			.writeInt(record.attributeCount());
		for (int i = 0; i < record.attributeCount(); i++) {
			output.writeString(record.attributeName(i)).writeBytes(record.attributeValue(i));
		}
	}

	/**
	 * Read a record written by {@link #writeRecord}.
	 * @param input the input
	 * @return the record
	 * @throws ProtocolException if the input is malformed
	 */
	public static SessionRecord readRecord(WireInput input) throws ProtocolException {
		String id = readId(input);
		long creationTime = input.readLong();
		long lastAccessedTime = input.readLong();
		long maxInactiveMillis = input.readLong();
		String principalName = input.readString();
		long version = input.readLong();
		int count = input.readCount(MIN_ATTRIBUTE_BYTES);
		String[] names = new String[count];
		byte[][] values = new byte[count][];
		for (int i = 0; i < count; i++) {
			names[i] = input.readRequiredString();
			byte[] value = input.readBytes();
			if (value == null) {
				throw new ProtocolException("Attribute '" + names[i] + "' of a stored session has no value");
			}
			values[i] = value;
		}
		return new SessionRecord(id, creationTime, lastAccessedTime, maxInactiveMillis, principalName, names,
				values, version);
	}

	/**
	 * Write a change: id, previous id, flags, creation time, the optional times, principal
	 * name, then the changed attributes ({@code null} values for removed ones).
	 * @param output the output
	 * @param change the change
	 */
	public static void writeChange(WireOutput output, SessionChange change) {
		Long lastAccessed = change.lastAccessedTime();
		Long maxInactive = change.maxInactiveMillis();
		int flags = (change.isCreate() ? FLAG_CREATE : 0) | (change.isPrincipalNameChanged() ? FLAG_PRINCIPAL_CHANGED : 0)
				| ((lastAccessed != null) ? FLAG_LAST_ACCESSED : 0) | ((maxInactive != null) ? FLAG_MAX_INACTIVE : 0);
		output.writeString(change.id()).writeString(change.previousId()).writeByte(flags)
			.writeLong(change.creationTime());
		if (lastAccessed != null) {
			output.writeLong(lastAccessed);
		}
		if (maxInactive != null) {
			output.writeLong(maxInactive);
		}
		output.writeString(change.principalName()).writeInt(change.attributes().size());
		change.attributes().forEach((name, value) -> output.writeString(name).writeBytes(value));
	}

	/**
	 * Read a change written by {@link #writeChange}.
	 * @param input the input
	 * @return the change
	 * @throws ProtocolException if the input is malformed
	 */
	public static SessionChange readChange(WireInput input) throws ProtocolException {
		String id = readId(input);
		String previousId = input.readString();
		if (previousId != null && !SessionIds.isValid(previousId)) {
			throw new ProtocolException("Invalid previous session id");
		}
		int flags = input.readByte();
		long creationTime = input.readLong();
		Long lastAccessed = ((flags & FLAG_LAST_ACCESSED) != 0) ? input.readLong() : null;
		Long maxInactive = ((flags & FLAG_MAX_INACTIVE) != 0) ? input.readLong() : null;
		boolean create = (flags & FLAG_CREATE) != 0;
		if (create && (lastAccessed == null || maxInactive == null)) {
			throw new ProtocolException("A change that creates a session must carry its access time and timeout");
		}
		String principalName = input.readString();
		int count = input.readCount(MIN_ATTRIBUTE_BYTES);
		Map<String, byte @Nullable []> attributes = new HashMap<>(Math.max(4, count * 2));
		for (int i = 0; i < count; i++) {
			attributes.put(input.readRequiredString(), input.readBytes());
		}
		return new SessionChange(id, previousId, create, creationTime, lastAccessed, maxInactive,
				(flags & FLAG_PRINCIPAL_CHANGED) != 0, principalName, attributes);
	}

	/**
	 * Return at most how many bytes {@link #writeRecord} writes for a record (strings counted
	 * at three bytes a character, the most UTF-8 takes for one {@code char}).
	 * @param record the record
	 * @return an upper bound of its encoded size
	 */
	public static long maxEncodedSize(SessionRecord record) {
		long size = 4 + 3L * record.id().length() + 8 * 3 + 4 + 8 + 4;
		String principalName = record.principalName();
		size += (principalName != null) ? 3L * principalName.length() : 0;
		for (int i = 0; i < record.attributeCount(); i++) {
			size += 4 + 3L * record.attributeName(i).length() + 4 + record.attributeValue(i).length;
		}
		return size;
	}

	/**
	 * Return at most how many bytes a change adds to a stored record: the encoded size of its
	 * id, principal name and attribute values.
	 * @param change the change
	 * @return an upper bound
	 */
	public static long maxEncodedSize(SessionChange change) {
		long size = 4 + 3L * change.id().length() + 8 * 3 + 4 + 8 + 4;
		String principalName = change.principalName();
		size += (principalName != null) ? 3L * principalName.length() : 0;
		for (Map.Entry<String, byte @Nullable []> attribute : change.attributes().entrySet()) {
			byte[] value = attribute.getValue();
			size += 4 + 3L * attribute.getKey().length() + 4 + ((value != null) ? value.length : 0);
		}
		return size;
	}

	/**
	 * Write the daemon's statistics.
	 * @param output the output
	 * @param stats the statistics
	 */
	public static void writeStats(WireOutput output, DaemonStats stats) {
		output.writeString(stats.mode())
			.writeLong(stats.sessions())
			.writeLong(stats.bytes())
			.writeLong(stats.maxBytes())
			.writeInt(stats.locks())
			.writeInt(stats.connections())
			.writeLong(stats.uptimeMillis())
			.writeLong(stats.expired())
			.writeLong(stats.evicted())
			.writeLong(stats.leaseExpiries())
			.writeBoolean(stats.persistent());
	}

	/**
	 * Read statistics written by {@link #writeStats}.
	 * @param input the input
	 * @return the statistics
	 * @throws ProtocolException if the input is malformed
	 */
	public static DaemonStats readStats(WireInput input) throws ProtocolException {
		return new DaemonStats(input.readRequiredString(), input.readLong(), input.readLong(), input.readLong(),
				input.readInt(), input.readInt(), input.readLong(), input.readLong(), input.readLong(),
				input.readLong(), input.readBoolean());
	}

	/**
	 * Read a session id and check it.
	 * @param input the input
	 * @return a valid id
	 * @throws ProtocolException if it is missing or not a valid session id
	 */
	public static String readId(WireInput input) throws ProtocolException {
		String id = input.readString();
		if (!SessionIds.isValid(id)) {
			throw new ProtocolException("Invalid session id");
		}
		return id;
	}

}
