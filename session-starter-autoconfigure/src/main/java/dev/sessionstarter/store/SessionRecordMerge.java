package dev.sessionstarter.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The merge of a {@link SessionChange} into a stored {@link SessionRecord}, behind
 * {@link SessionRecord#apply}: the one place where what a save changes becomes what is stored.
 */
final class SessionRecordMerge {

	private static final String[] NO_NAMES = {};

	private static final byte[][] NO_VALUES = {};

	private SessionRecordMerge() {
	}

	/**
	 * Merge a change into a stored record, as {@link SessionRecord#apply} documents.
	 * @param base the stored record, or {@code null} when the change creates the session
	 * @param change the change
	 * @return the new record, one version above {@code base}, with its decoder mark
	 */
	static SessionRecord apply(@Nullable SessionRecord base, SessionChange change) {
		if (base == null) {
			Assert.isTrue(change.isCreate(), "A change to a session that is not stored must create it");
			return create(change);
		}
		String[] names = base.names();
		byte[][] values = base.values();
		Map<String, byte @Nullable []> changed = change.attributes();
		if (!changed.isEmpty()) {
			// the kept attributes in their order, then the set ones, in arrays that are of their
			// final size unless the change removes attributes
			int kept = 0;
			for (String name : names) {
				kept += changed.containsKey(name) ? 0 : 1;
			}
			String[] newNames = new String[kept + changed.size()];
			byte[][] newValues = new byte[newNames.length][];
			int index = 0;
			for (int i = 0; i < names.length; i++) {
				if (!changed.containsKey(names[i])) {
					newNames[index] = names[i];
					newValues[index++] = values[i];
				}
			}
			for (Map.Entry<String, byte @Nullable []> attribute : changed.entrySet()) {
				byte[] value = attribute.getValue();
				if (value != null) {
					newNames[index] = attribute.getKey();
					newValues[index++] = value;
				}
			}
			names = (index < newNames.length) ? Arrays.copyOf(newNames, index) : newNames;
			values = (index < newValues.length) ? Arrays.copyOf(newValues, index) : newValues;
		}
		Long lastAccessed = change.lastAccessedTime();
		Long maxInactive = change.maxInactiveMillis();
		String id = base.id().equals(change.id()) ? base.id() : change.id();
		return new SessionRecord(id, base.creationTime(),
				(lastAccessed != null) ? Math.max(lastAccessed, base.lastAccessedTime()) : base.lastAccessedTime(),
				(maxInactive != null) ? maxInactive : base.maxInactiveMillis(),
				change.isPrincipalNameChanged() ? change.principalName() : base.principalName(), names, values,
				base.version() + 1, base.decodedBy());
	}

	private static SessionRecord create(SessionChange change) {
		List<String> names = new ArrayList<>(change.attributes().size());
		List<byte[]> values = new ArrayList<>(change.attributes().size());
		change.attributes().forEach((name, value) -> {
			if (value != null) {
				names.add(name);
				values.add(value);
			}
		});
		Long lastAccessed = change.lastAccessedTime();
		Long maxInactive = change.maxInactiveMillis();
		Assert.notNull(lastAccessed, "A change that creates a session must carry its last access time");
		Assert.notNull(maxInactive, "A change that creates a session must carry its timeout");
		return new SessionRecord(change.id(), change.creationTime(), lastAccessed, maxInactive,
				change.principalName(), names.toArray(NO_NAMES), values.toArray(NO_VALUES), 1);
	}

}
