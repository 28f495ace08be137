package dev.sessionstarter.lock;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.StoreUnavailableException;

/**
 * The {@code 503} answers of a {@link SessionLockFilter}: to a request rejected because its
 * lock could not be had in time, and to one whose store is unavailable; and how a failure is
 * recognised as the latter.
 */
final class UnavailableResponses {

	/** Logs under the filter's name, as the answers are the filter's. */
	private static final Log logger = LogFactory.getLog(SessionLockFilter.class);

	private UnavailableResponses() {
	}

	/**
	 * Answer 503 with a {@code Retry-After} of the lock timeout, in whole seconds, to a request
	 * whose lock could not be had in time.
	 */
	static void rejected(HttpServletResponse response, Duration timeout) throws IOException {
		if (response.isCommitted()) {
			return;
		}
		long retryAfter = Math.max(1, (timeout.toMillis() + 999) / 1000);
		response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
		response.setHeader("Retry-After", Long.toString(retryAfter));
		response.setContentType("text/plain");
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		response.getWriter().write("Another request of this session is in progress; retry later.\n");
	}

	/**
	 * Answer 503 for a request whose store is unavailable (its lock could not be asked for, or a
	 * call of its session failed), logging one line. The answer is written whole and flushed, so
	 * the client has it before the request's locks are released, which may wait on the same
	 * unavailable store.
	 */
	static void storeUnavailable(HttpServletResponse response, StoreUnavailableException ex) throws IOException {
		if (response.isCommitted()) {
			logger.warn("Request failed after its response was committed: " + ex.getMessage());
			return;
		}
		logger.warn("Request answered 503: " + ex.getMessage());
		byte[] body = ("Sessions are unavailable: " + ex.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
		response.reset();
		response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
		response.setHeader("Retry-After", "1");
		response.setContentType("text/plain;charset=UTF-8");
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
		response.flushBuffer();
	}

	/** The {@link StoreUnavailableException} in a failure's causes, if any. */
	static @Nullable StoreUnavailableException storeUnavailableCause(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof StoreUnavailableException unavailable) {
				return unavailable;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

}
