package dev.sessionstarter.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;

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
