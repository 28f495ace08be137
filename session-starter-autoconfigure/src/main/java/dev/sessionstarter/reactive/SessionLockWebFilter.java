package dev.sessionstarter.reactive;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.Assert;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.WebSessionIdResolver;

import dev.sessionstarter.lock.LockStatistics;
import dev.sessionstarter.lock.LockableSessionIds;
import dev.sessionstarter.lock.LockTimeoutAction;
import dev.sessionstarter.lock.NoneSessionLockManager;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.StoreUnavailableException;

/**
 * {@link WebFilter} that makes the requests of one session run one at a time in a reactive
 * application, as {@code SessionLockFilter} does in a servlet one: it resolves the requested
 * session ids with the {@link WebSessionIdResolver} the {@code WebSessionManager} uses, holds the
 * {@link SessionLockManager}'s lock on those {@link LockableSessionIds} chooses while the rest
 * of the chain loads, changes and saves the session, and releases them when the exchange
 * completes, fails or is cancelled. Requests without a valid session id take no lock, and with
 * the {@code none} lock manager the filter passes every request through.
 *
 * <p>No event-loop thread waits for a lock: a lock manager whose calls never block
 * ({@link SessionLockManager#isNonBlocking()}) is tried at once on the calling thread, and any
 * wait, or any call of a manager that may block, runs on the given bounded scheduler.
 *
 * <p>The session is saved while the locks are held: when the chain completes, the filter commits
 * the response, which saves the session ({@code WebSession} saves before commit); when it fails,
 * the filter saves a started session itself before the error is handled.
 *
 * <p>When the locks cannot be had within the timeout, the request is handled without them
 * ({@link LockTimeoutAction#PROCEED}) or answered {@code 503} with {@code Retry-After}
 * ({@link LockTimeoutAction#REJECT}); both are counted in {@link LockStatistics}. A request whose
 * lock cannot be asked for ({@link StoreUnavailableException}) is answered {@code 503}.
 */
public class SessionLockWebFilter implements WebFilter, Ordered {

	/**
	 * The default order: early, so that the locks are held around every other filter.
	 */
	public static final int DEFAULT_ORDER = Ordered.HIGHEST_PRECEDENCE + 50;

	private static final Log logger = LogFactory.getLog(SessionLockWebFilter.class);

	private final RequestLocks locks;

	private final WebSessionIdResolver sessionIdResolver;

	private final boolean locking;

	private Duration timeout = Duration.ofSeconds(5);

	private LockTimeoutAction timeoutAction = LockTimeoutAction.PROCEED;

	private int order = DEFAULT_ORDER;

	/**
	 * Create a filter.
	 * @param manager the lock manager
	 * @param sessionIdResolver the resolver of requested session ids, the one the
	 * {@code WebSessionManager} uses
	 * @param statistics where waits and timeouts are counted
	 * @param scheduler the bounded scheduler that runs waits and calls that may block
	 */
	public SessionLockWebFilter(SessionLockManager manager, WebSessionIdResolver sessionIdResolver,
			LockStatistics statistics, Scheduler scheduler) {
		Assert.notNull(sessionIdResolver, "'sessionIdResolver' must not be null");
		this.locks = new RequestLocks(manager, statistics, scheduler);
		this.sessionIdResolver = sessionIdResolver;
		this.locking = manager != NoneSessionLockManager.INSTANCE;
	}

	/**
	 * Set the longest time a request waits for its session lock (5 seconds unless set).
	 * @param timeout the timeout, zero or more
	 */
	public void setTimeout(Duration timeout) {
		Assert.isTrue(timeout != null && !timeout.isNegative(), "'timeout' must not be null or negative");
		this.timeout = timeout;
		this.locks.setTimeoutNanos(SessionLockManager.timeoutNanos(timeout));
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

	/**
	 * Set the order of this filter ({@link #DEFAULT_ORDER} unless set).
	 * @param order the order
	 */
	public void setOrder(int order) {
		this.order = order;
	}

	@Override
	public int getOrder() {
		return this.order;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!this.locking) {
			return chain.filter(exchange);
		}
		List<String> sessionIds = lockableSessionIds(exchange);
		if (sessionIds.isEmpty()) {
			return chain.filter(exchange);
		}
		RequestLocks.Held taken = this.locks.tryAcquire(sessionIds);
		if (taken != null) {
			// taken at once by a manager that never blocks: released on whatever thread ends the
			// exchange, without the operators an asynchronous release needs
			return handle(exchange, chain).doFinally((signal) -> taken.release());
		}
		return this.locks.acquire(sessionIds).flatMap((held) -> {
			if (held.failure() != null) {
				return unavailable(exchange.getResponse(), held.failure());
			}
			if (held.timedOut() && this.timeoutAction == LockTimeoutAction.REJECT) {
				return reject(exchange.getResponse());
			}
			return Mono.usingWhen(Mono.just(held), (locks) -> handle(exchange, chain), this.locks::release,
					(locks, ex) -> this.locks.release(locks), this.locks::release);
		});
	}

	private List<String> lockableSessionIds(ServerWebExchange exchange) {
		return LockableSessionIds.of(this.sessionIdResolver.resolveSessionIds(exchange));
	}

	/**
	 * Run the chain and save the session while the locks are held: by committing the response
	 * when the chain completes, by saving a started session when it fails (the error response
	 * saves it again, with nothing left to write).
	 */
	private static Mono<Void> handle(ServerWebExchange exchange, WebFilterChain chain) {
		return chain.filter(exchange)
			.onErrorResume((ex) -> exchange.getSession()
				.flatMap(SessionLockWebFilter::saveIfStarted)
				.onErrorResume((saveFailure) -> {
					// the session's load may have been what failed: its cached failure comes back
					if (saveFailure != ex) {
						ex.addSuppressed(saveFailure);
					}
					return Mono.empty();
				})
				.then(Mono.error(ex)))
			// a failed save on commit is not tried again
			.then(Mono.defer(() -> exchange.getResponse().setComplete()));
	}

	private static Mono<Void> saveIfStarted(WebSession session) {
		return (session.isStarted() && !session.isExpired()) ? session.save() : Mono.empty();
	}

	private Mono<Void> reject(ServerHttpResponse response) {
		long retryAfter = Math.max(1, (this.timeout.toMillis() + 999) / 1000);
		return write(response, retryAfter, "Another request of this session is in progress; retry later.\n");
	}

	private static Mono<Void> unavailable(ServerHttpResponse response, StoreUnavailableException ex) {
		logger.warn("Request not handled: " + ex.getMessage());
		return write(response, 1, "Sessions are unavailable: " + ex.getMessage() + "\n");
	}

	private static Mono<Void> write(ServerHttpResponse response, long retryAfter, String message) {
		if (response.isCommitted()) {
			return Mono.empty();
		}
		response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
		response.getHeaders().set("Retry-After", Long.toString(retryAfter));
		response.getHeaders().setContentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8));
		DataBuffer body = response.bufferFactory().wrap(message.getBytes(StandardCharsets.UTF_8));
		return response.writeWith(Mono.just(body));
	}

}
