package dev.sessionstarter.store;

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

	private static final boolean[] VALID_CHARS = validChars();

	private SessionIds() {
	}

	/**
	 * Whether an id is acceptable.
	 * @param id the candidate, possibly {@code null}
	 * @return {@code true} if it matches the rule
	 */
	public static boolean isValid(@Nullable String id) {
		if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
			return false;
		}
		for (int i = 0; i < id.length(); i++) {
			if (!isValidChar(id.charAt(i))) {
				return false;
			}
		}
		return true;
	}

	// A loop over a table rather than a regular expression or a chain of ranges: this runs on every
	// request (the lock filter, findById), a Matcher took a sixth of the memory store's request
	// cycle (RequestCycleBenchmark), and the ranges' branches mispredict on the mixed letters and
	// digits of an id.
	private static boolean isValidChar(char c) {
		return c < VALID_CHARS.length && VALID_CHARS[c];
	}

	private static boolean[] validChars() {
		boolean[] valid = new boolean[128];
		for (char c = 0; c < valid.length; c++) {
			valid[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '_';
		}
		return valid;
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
