package dev.sessionstarter.store;

import java.util.Collections;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * What one save of a session changes: the delta a store applies atomically to its stored
 * {@link SessionRecord} (see {@link SessionRecord#apply}). Fields that did not change are
 * {@code null}; an attribute mapped to {@code null} is removed.
 *
 * @param id the session id after the change
 * @param previousId the id the stored session has now, when this change renames it
 * @param create whether the change creates the session (it then carries every field)
 * @param creationTime the creation time, epoch millis (used when creating)
 * @param lastAccessedTime the new last access time, epoch millis, or {@code null}
 * @param maxInactiveMillis the new inactivity timeout in millis, or {@code null}
 * @param principalNameChanged whether the principal name changed
 * @param principalName the new principal name, when it changed
 * @param attributes changed attributes: serialized values, {@code null} for removed ones
 */
public record SessionChange(String id, @Nullable String previousId, boolean create, long creationTime,
		@Nullable Long lastAccessedTime, @Nullable Long maxInactiveMillis, boolean principalNameChanged,
		@Nullable String principalName, Map<String, byte @Nullable []> attributes) {

	/** The classes of maps that are unmodifiable already, which are kept as they are. */
	private static final Class<?> EMPTY = Collections.emptyMap().getClass();

	private static final Class<?> SINGLETON = Collections.singletonMap("", null).getClass();

	public SessionChange {
		Assert.hasLength(id, "'id' must not be empty");
		Assert.notNull(attributes, "'attributes' must not be null");
		Class<?> type = attributes.getClass();
		attributes = (type == EMPTY || type == SINGLETON) ? attributes : Collections.unmodifiableMap(attributes);
	}

	public boolean isCreate() {
		return this.create;
	}

	public boolean isPrincipalNameChanged() {
		return this.principalNameChanged;
	}

	/**
	 * Whether this change renames the stored session.
	 * @return {@code true} if {@link #previousId()} is set and differs from {@link #id()}
	 */
	public boolean isRename() {
		return this.previousId != null && !this.previousId.equals(this.id);
	}

}
