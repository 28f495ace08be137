package dev.sessionstarter.lock;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.session.web.http.HttpSessionIdResolver;
import org.springframework.session.web.http.SessionRepositoryFilter;
import org.springframework.util.Assert;

import dev.sessionstarter.store.RequestStoreFailure;
import dev.sessionstarter.store.StoreUnavailableException;

/**
 * Servlet filter, ordered just before Spring Session's {@link SessionRepositoryFilter}, that
 * makes the requests of one session run one at a time: it resolves the requested session ids
 * with the same {@link HttpSessionIdResolver}, holds the {@link SessionLockManager}'s lock on
 * each valid one while the rest of the chain loads, changes and saves the session, and releases
 * the locks when the request is done, also when it fails. Requests without a session id (or
 * with only invalid ones) take no lock, and a request locks at most the first
 * {@value LockableSessionIds#MAX_PER_REQUEST} valid ids it names.
 *
 * <p>An asynchronous request keeps its locks until its asynchronous processing completes, errs
 * or times out. Forward, include, error and async dispatches of a request that holds its locks
 * share them instead of waiting for them (re-entrant per request). Several ids are locked in
 * their natural order, so two requests never wait for each other.
 *
 * <p>When the locks cannot be had within the timeout, the request is handled without them
 * ({@link LockTimeoutAction#PROCEED}) or answered {@code 503} with {@code Retry-After}
 * ({@link LockTimeoutAction#REJECT}); both are counted in {@link LockStatistics}.
 *
 * <p>When the store is unavailable (a {@link StoreUnavailableException}: the lock could not be
 * asked for, or a find or save of the session failed, also the one Spring Session's filter makes
 * at response commit or in its {@code finally}), the request is answered {@code 503} with
 * {@code Retry-After} and the exception's message, and one line is logged. The failure is
 * remembered for the request ({@link RequestStoreFailure}): later store calls of the request
 * throw it again without asking the store, and a later dispatch takes no lock.
 */
public class SessionLockFilter implements Filter {

	private final HttpSessionIdResolver sessionIdResolver;

	private final HttpSessionIdResolver sharedSessionIdResolver;

	private final RequestLockAcquirer acquirer;

	private LockTimeoutAction timeoutAction = LockTimeoutAction.PROCEED;

	/**
	 * Create a filter.
	 * @param manager the lock manager
	 * @param sessionIdResolver the resolver of requested session ids, the one
	 * {@link SessionRepositoryFilter} uses
	 * @param statistics where waits and timeouts are counted
	 */
	public SessionLockFilter(SessionLockManager manager, HttpSessionIdResolver sessionIdResolver,
			LockStatistics statistics) {
		Assert.notNull(manager, "'manager' must not be null");
		Assert.notNull(sessionIdResolver, "'sessionIdResolver' must not be null");
		Assert.notNull(statistics, "'statistics' must not be null");
		this.sessionIdResolver = sessionIdResolver;
		this.sharedSessionIdResolver = new SharedSessionIdResolver(sessionIdResolver);
		this.acquirer = new RequestLockAcquirer(manager, statistics);
	}

	/**
	 * Return the resolver of requested session ids this filter was given.
	 * @return the resolver
	 */
	public HttpSessionIdResolver getSessionIdResolver() {
		return this.sessionIdResolver;
	}

	/**
	 * Return a resolver for Spring Session's filter, to use in place of its own when that is this
	 * filter's resolver: it answers the session ids this filter resolved for the request, so
	 * that the ids (the session cookie) are read once a request, and otherwise asks this
	 * filter's resolver, which also writes and expires the ids.
	 * @return the sharing resolver
	 */
	public HttpSessionIdResolver getSharedSessionIdResolver() {
		return this.sharedSessionIdResolver;
	}

	/**
	 * Set the longest time a request waits for its session lock (5 seconds unless set).
	 * @param timeout the timeout, zero or more
	 */
	public void setTimeout(Duration timeout) {
		Assert.isTrue(timeout != null && !timeout.isNegative(), "'timeout' must not be null or negative");
		this.acquirer.setTimeout(timeout);
	}

	/**
	 * Set what happens to a request whose lock could not be had in time
	 * ({@link LockTimeoutAction#PROCEED} unless set).
	 * @param timeoutAction the action
	 */
	public void setTimeoutAction(LockTimeoutAction timeoutAction) {
		Assert.notNull(timeoutAction, "'timeoutAction' must not be null");
		this.timeoutAction = timeoutAction;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		if (!(request instanceof HttpServletRequest httpRequest)
				|| !(response instanceof HttpServletResponse httpResponse)) {
			chain.doFilter(request, response);
			return;
		}
		RequestLocks state = RequestLocks.of(request);
		RequestStoreFailure storeFailure = state.storeFailure();
		if (state.isHolding() || storeFailure.get() != null) {
			proceed(httpRequest, httpResponse, chain, storeFailure);
			return;
		}
		List<String> sessionIds = this.sessionIdResolver.resolveSessionIds(httpRequest);
		state.resolved(sessionIds);
		boolean acquired;
		try {
			acquired = (sessionIds.size() == 1) ? this.acquirer.acquire(sessionIds.get(0), state)
					: this.acquirer.acquire(sessionIds, state);
		}
		catch (StoreUnavailableException ex) {
			storeFailure.remember(ex);
			UnavailableResponses.storeUnavailable(httpResponse, ex);
			return;
		}
		if (!acquired) {
			if (this.timeoutAction == LockTimeoutAction.REJECT) {
				UnavailableResponses.rejected(httpResponse, this.acquirer.timeout());
				return;
			}
			state.hold((SessionLock) null);
		}
		if (!state.isHolding()) {
			// no valid session id: nothing to lock
			proceed(httpRequest, httpResponse, chain, storeFailure);
			return;
		}
		try {
			proceed(httpRequest, httpResponse, chain, storeFailure);
		}
		finally {
			if (!releaseOnAsyncCompletion(request, state)) {
				state.release();
			}
		}
	}

	/**
	 * Run the rest of the chain with the request's store failure memory bound, and answer a
	 * request that fails because its store is unavailable with one {@code 503}: the exception
	 * goes no further, so no error dispatch asks the store again. A forward or include passes
	 * the failure on to the dispatch that made it, which answers.
	 */
	private static void proceed(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
			RequestStoreFailure storeFailure) throws IOException, ServletException {
		try (RequestStoreFailure.Scope scope = storeFailure.bind()) {
			chain.doFilter(request, response);
		}
		catch (IOException | ServletException | RuntimeException ex) {
			StoreUnavailableException cause = UnavailableResponses.storeUnavailableCause(ex);
			if (cause == null || request.getDispatcherType() == DispatcherType.FORWARD
					|| request.getDispatcherType() == DispatcherType.INCLUDE) {
				throw ex;
			}
			storeFailure.remember(cause);
			UnavailableResponses.storeUnavailable(response, cause);
		}
	}

	private boolean releaseOnAsyncCompletion(ServletRequest request, RequestLocks state) {
		if (!request.isAsyncStarted()) {
			return false;
		}
		try {
			request.getAsyncContext().addListener(state);
			return true;
		}
		catch (IllegalStateException ex) {
			// The asynchronous processing already completed
			return false;
		}
	}

}
