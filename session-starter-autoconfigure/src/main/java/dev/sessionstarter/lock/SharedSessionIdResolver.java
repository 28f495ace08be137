package dev.sessionstarter.lock;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.session.web.http.HttpSessionIdResolver;

/**
 * The resolver Spring Session's filter uses in place of the lock filter's own one: it answers the
 * session ids {@link SessionLockFilter} resolved for the request (the cookie is read and decoded
 * once a request, and the session is looked up by the very id string that was locked), and asks
 * the lock filter's resolver when the filter resolved none (no lock manager, or a request the
 * filter did not see). Writing and expiring the id go to the lock filter's resolver.
 */
final class SharedSessionIdResolver implements HttpSessionIdResolver {

	private final HttpSessionIdResolver delegate;

	SharedSessionIdResolver(HttpSessionIdResolver delegate) {
		this.delegate = delegate;
	}

	@Override
	public List<String> resolveSessionIds(HttpServletRequest request) {
		if (request.getAttribute(RequestLocks.ATTRIBUTE) instanceof RequestLocks state) {
			List<String> sessionIds = state.sessionIds();
			if (sessionIds != null) {
				return sessionIds;
			}
		}
		return this.delegate.resolveSessionIds(request);
	}

	@Override
	public void setSessionId(HttpServletRequest request, HttpServletResponse response, String sessionId) {
		this.delegate.setSessionId(request, response, sessionId);
	}

	@Override
	public void expireSession(HttpServletRequest request, HttpServletResponse response) {
		this.delegate.expireSession(request, response);
	}

}
