package dev.sessionstarter.web;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionTooLargeException;

/**
 * The answer of the servlet and the WebFlux filter to a session save refused for its size: the
 * status, the content type, and the one line naming the limit.
 */
final class SessionTooLargeResponse {

	/** The status answered: {@code 413 Content Too Large}. */
	static final int STATUS = 413;

	/** The content type of the answer. */
	static final String CONTENT_TYPE = "text/plain;charset=UTF-8";

	private SessionTooLargeResponse() {
	}

	/**
	 * Find the refusal among a failure and its causes.
	 * @param ex the failure
	 * @return the refusal, or {@code null} if the failure is another one
	 */
	static @Nullable SessionTooLargeException find(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof SessionTooLargeException tooLarge) {
				return tooLarge;
			}
			if (cause.getCause() == cause) {
				return null;
			}
		}
		return null;
	}

	/**
	 * Return the body of the answer: one line naming the limit and the property that sets it.
	 * @param ex the refusal
	 * @return the line, ending with a line break
	 */
	static String message(SessionTooLargeException ex) {
		String limit = (ex.getProperty() != null) ? ex.getProperty() + " (" + ex.getLimit() + " bytes)"
				: "the " + ex.getLimit() + " bytes the session store accepts";
		return "Session too large: this request's changes would make it " + ex.getSize() + " bytes, more than "
				+ limit + "; they were not saved.\n";
	}

}
