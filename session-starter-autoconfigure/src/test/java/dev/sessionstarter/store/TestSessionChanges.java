package dev.sessionstarter.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.session.FindByIndexNameSessionRepository;

/**
 * Changes and attribute reads for tests that drive a {@link SessionStore} directly, with
 * attribute values as UTF-8 text.
 */
public final class TestSessionChanges {

	private TestSessionChanges() {
	}

	/**
	 * A change that creates a session now, with a 30-minute timeout and the attribute
	 * {@code a=123}.
	 * @param id the session id
	 * @return the change
	 */
	public static SessionChange create(String id) {
		long now = System.currentTimeMillis();
		return new SessionChange(id, null, true, now, now, Duration.ofMinutes(30).toMillis(), false, null,
				Map.of("a", "123".getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * A change that sets one attribute and stamps the access time now.
	 * @param id the session id
	 * @param name the attribute name
	 * @param value its value
	 * @return the change
	 */
	public static SessionChange set(String id, String name, String value) {
		return new SessionChange(id, null, false, 0, System.currentTimeMillis(), null, false, null,
				Map.of(name, value.getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * A change that removes one attribute.
	 * @param id the session id
	 * @param name the attribute name
	 * @return the change
	 */
	public static SessionChange remove(String id, String name) {
		Map<String, byte @Nullable []> removed = new HashMap<>();
		removed.put(name, null);
		return new SessionChange(id, null, false, 0, null, null, false, null, removed);
	}

	/**
	 * A change that renames a session and changes nothing else.
	 * @param previousId the id the session has now
	 * @param id its new id
	 * @return the change
	 */
	public static SessionChange rename(String previousId, String id) {
		return new SessionChange(id, previousId, false, 0, null, null, false, null, Map.of());
	}

	/**
	 * A change that only stamps an access time and sets a timeout.
	 * @param id the session id
	 * @param lastAccessedTime the access time, epoch millis
	 * @param maxInactive the timeout
	 * @return the change
	 */
	public static SessionChange touch(String id, long lastAccessedTime, Duration maxInactive) {
		return new SessionChange(id, null, false, 0, lastAccessedTime, maxInactive.toMillis(), false, null, Map.of());
	}

	/**
	 * A change that sets the principal name of a session, as the repository sends it when the
	 * principal name index attribute is set: the name, and the attribute with the name as a JSON
	 * string (removed for no name).
	 * @param id the session id
	 * @param principalName the name, or {@code null} for none
	 * @return the change
	 */
	public static SessionChange principal(String id, @Nullable String principalName) {
		Map<String, byte @Nullable []> attributes = new HashMap<>();
		attributes.put(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME,
				(principalName != null) ? ("\"" + principalName + "\"").getBytes(StandardCharsets.UTF_8) : null);
		return new SessionChange(id, null, false, 0, null, null, true, principalName, attributes);
	}

	/**
	 * Read an attribute of a record as text.
	 * @param record the record
	 * @param name the attribute name
	 * @return the value, or {@code null} if the record has no such attribute
	 */
	public static @Nullable String text(SessionRecord record, String name) {
		byte[] value = record.attribute(name);
		return (value != null) ? new String(value, StandardCharsets.UTF_8) : null;
	}

}
