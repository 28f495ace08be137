package dev.sessionstarter.web;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.session.web.http.SessionRepositoryFilter;

import dev.sessionstarter.store.SessionTooLargeException;

/**
 * Servlet filter, ordered before Spring Session's {@link SessionRepositoryFilter}, that answers
 * {@code 413 Content Too Large} with a short text naming the limit when the save of the
 * request's session is refused with a {@link SessionTooLargeException}: the session keeps its
 * previous version, and the request's response (still in the buffer, since Spring Session saves
 * before the response is committed) is replaced by the 413.
 *
 * <p>When the response was already committed before the refused save (the application changed
 * the session after its response was flushed), its status cannot change: the response stays as
 * sent, the refusal is logged at debug level here (the repository logs and counts it) and not
 * rethrown, so the container does not abort a response that the client has in full.
 */
public class SessionTooLargeFilter implements Filter {

	private static final Log logger = LogFactory.getLog(SessionTooLargeFilter.class);

	/** The status answered: {@code 413 Content Too Large}. */
	public static final int STATUS = SessionTooLargeResponse.STATUS;

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		try {
			chain.doFilter(request, response);
		}
		catch (IOException | ServletException | RuntimeException ex) {
			SessionTooLargeException tooLarge = SessionTooLargeResponse.find(ex);
			if (tooLarge == null || !(response instanceof HttpServletResponse httpResponse)) {
				throw ex;
			}
			answer(httpResponse, tooLarge);
		}
	}

	private static void answer(HttpServletResponse response, SessionTooLargeException ex) throws IOException {
		if (response.isCommitted()) {
			logger.debug("Response already committed; the session keeps its previous version: " + ex.getMessage());
			return;
		}
		response.reset();
		response.setStatus(STATUS);
		response.setContentType(SessionTooLargeResponse.CONTENT_TYPE);
		response.getWriter().write(SessionTooLargeResponse.message(ex));
	}

}
