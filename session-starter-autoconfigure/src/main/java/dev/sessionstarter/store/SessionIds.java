package dev.sessionstarter.store;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The one rule for what a session id may look like, applied before an id reaches any store:
 * 1 to 128 characters of ASCII letters, digits, {@code -} and {@code _}. That covers the UUIDs
 * Spring Session generates and excludes every path separator, dot, NUL or other character that
 * could name a file or confuse a protocol.
 */
public final class SessionIds {

	/**
	 * The longest id accepted.
	 */
	public static final int MAX_LENGTH = 128;

	private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_LENGTH + "}");

	private SessionIds() {
	}

	/**
	 * Whether an id is acceptable.
	 * @param id the candidate, possibly {@code null}
	 * @return {@code true} if it matches the rule
	 */
	public static boolean isValid(@Nullable String id) {
		return id != null && id.length() <= MAX_LENGTH && VALID.matcher(id).matches();
	}

	/**
	 * Check an id.
	 * @param id the candidate
	 * @return the id
	 * @throws IllegalArgumentException if it is not acceptable
	 */
	public static String requireValid(@Nullable String id) {
		if (!isValid(id)) {
			throw new IllegalArgumentException("Invalid session id: must be 1 to " + MAX_LENGTH
					+ " characters of A-Z, a-z, 0-9, '-' and '_'");
		}
		return id;
	}

}
