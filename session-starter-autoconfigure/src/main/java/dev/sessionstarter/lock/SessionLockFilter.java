package dev.sessionstarter.lock;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.session.web.http.HttpSessionIdResolver;
import org.springframework.session.web.http.SessionRepositoryFilter;
import org.springframework.util.Assert;

import dev.sessionstarter.store.RequestStoreFailure;
import dev.sessionstarter.store.SessionIds;
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

	private static final Log logger = LogFactory.getLog(SessionLockFilter.class);

	private final SessionLockManager manager;

	private final HttpSessionIdResolver sessionIdResolver;

	private final HttpSessionIdResolver sharedSessionIdResolver;

	private final LockStatistics statistics;

	private Duration timeout = Duration.ofSeconds(5);

	private long timeoutNanos = this.timeout.toNanos();

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
		this.manager = manager;
		this.sessionIdResolver = sessionIdResolver;
		this.sharedSessionIdResolver = new SharedSessionIdResolver(sessionIdResolver);
		this.statistics = statistics;
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
		this.timeout = timeout;
		this.timeoutNanos = SessionLockManager.timeoutNanos(timeout);
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
			acquired = (sessionIds.size() == 1) ? acquire(sessionIds.get(0), state) : acquire(sessionIds, state);
		}
		catch (StoreUnavailableException ex) {
			storeFailure.remember(ex);
			unavailable(httpResponse, ex);
			return;
		}
		if (!acquired) {
			if (this.timeoutAction == LockTimeoutAction.REJECT) {
				reject(httpResponse);
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
			StoreUnavailableException cause = storeUnavailable(ex);
			if (cause == null || request.getDispatcherType() == DispatcherType.FORWARD
					|| request.getDispatcherType() == DispatcherType.INCLUDE) {
				throw ex;
			}
			storeFailure.remember(cause);
			unavailable(response, cause);
		}
	}

	private static @Nullable StoreUnavailableException storeUnavailable(Throwable ex) {
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

	/**
	 * Lock the one id a request names, the usual case, unless it is not valid.
	 * @return {@code false} if the wait timed out; {@code true} if the lock is held, or there was
	 * nothing to lock
	 */
	private boolean acquire(String sessionId, RequestLocks state) throws ServletException {
		if (!SessionIds.isValid(sessionId)) {
			return true;
		}
		long start = System.nanoTime();
		SessionLock lock;
		try {
			lock = this.manager.tryLock(sessionId, this.timeout);
		}
		catch (InterruptedException ex) {
			throw interrupted(ex);
		}
		this.statistics.recordWait(System.nanoTime() - start, lock != null);
		if (lock == null) {
			return false;
		}
		state.hold(lock);
		return true;
	}

	/**
	 * Lock the valid ids of a request that names several ({@link LockableSessionIds}), in their
	 * order, within the one timeout.
	 * @return {@code false} if the wait timed out (none is held then); {@code true} if they are
	 * held, or there was nothing to lock
	 */
	private boolean acquire(List<String> requested, RequestLocks state) throws ServletException {
		List<String> sessionIds = LockableSessionIds.of(requested);
		if (sessionIds.isEmpty()) {
			return true;
		}
		long start = System.nanoTime();
		long timeoutNanos = this.timeoutNanos;
		List<SessionLock> locks = new ArrayList<>(sessionIds.size());
		try {
			for (String sessionId : sessionIds) {
				long remaining = Math.max(0, timeoutNanos - (System.nanoTime() - start));
				SessionLock lock = this.manager.tryLock(sessionId, Duration.ofNanos(remaining));
				if (lock == null) {
					SessionLock.releaseAll(locks);
					this.statistics.recordWait(System.nanoTime() - start, false);
					return false;
				}
				locks.add(lock);
			}
		}
		catch (InterruptedException ex) {
			SessionLock.releaseAll(locks);
			throw interrupted(ex);
		}
		catch (RuntimeException | Error ex) {
			SessionLock.releaseAll(locks);
			throw ex;
		}
		this.statistics.recordWait(System.nanoTime() - start, true);
		state.hold(locks);
		return true;
	}

	private static ServletException interrupted(InterruptedException ex) {
		Thread.currentThread().interrupt();
		return new ServletException("Interrupted while waiting for the lock of a session", ex);
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

	private void reject(HttpServletResponse response) throws IOException {
		if (response.isCommitted()) {
			return;
		}
		long retryAfter = Math.max(1, (this.timeout.toMillis() + 999) / 1000);
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
	private static void unavailable(HttpServletResponse response, StoreUnavailableException ex) throws IOException {
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

}
