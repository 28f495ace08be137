package dev.sessionstarter.lock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.session.web.http.CookieHttpSessionIdResolver;
import org.springframework.session.web.http.DefaultCookieSerializer;
import org.springframework.session.web.http.HeaderHttpSessionIdResolver;

import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.RemovalListener;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoreUnavailableException;
import dev.sessionstarter.store.StoreUsage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link SessionLockFilter}.
 */
class SessionLockFilterTests {

	private final MemorySessionLockManager manager = new MemorySessionLockManager();

	private final LockStatistics statistics = new LockStatistics(this.manager);

	private final SessionLockFilter filter = new SessionLockFilter(this.manager, cookieResolver(), this.statistics);

	private static CookieHttpSessionIdResolver cookieResolver() {
		DefaultCookieSerializer serializer = new DefaultCookieSerializer();
		serializer.setUseBase64Encoding(false);
		CookieHttpSessionIdResolver resolver = new CookieHttpSessionIdResolver();
		resolver.setCookieSerializer(serializer);
		return resolver;
	}

	@Test
	void holdsTheLockOfTheRequestedSessionWhileTheChainRuns() throws Exception {
		List<Integer> heldInChain = new ArrayList<>();
		this.filter.doFilter(request("abc"), new MockHttpServletResponse(),
				(request, response) -> heldInChain.add(this.manager.heldLocks()));
		assertThat(heldInChain).containsExactly(1);
		assertThat(this.manager.heldLocks()).isZero();
		assertThat(this.statistics.acquisitions()).isOne();
	}

	@Test
	void answers503NamingTheStoreWhenTheLockCannotBeAskedFor() throws Exception {
		SessionLockManager unreachable = new SessionLockManager() {

			@Override
			public String type() {
				return "test";
			}

			@Override
			public SessionLock tryLock(String sessionId, Duration timeout) {
				throw new StoreUnavailableException("Redis at 127.0.0.1:1 did not answer lock within 2000 ms", null);
			}

			@Override
			public int heldLocks() {
				return 0;
			}

		};
		SessionLockFilter filter = new SessionLockFilter(unreachable, cookieResolver(),
				new LockStatistics(unreachable));
		MockHttpServletResponse response = new MockHttpServletResponse();
		List<String> handled = new ArrayList<>();
		filter.doFilter(request("abc"), response, (request, res) -> handled.add("chain"));
		assertThat(handled).isEmpty();
		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(response.getHeader("Retry-After")).isEqualTo("1");
		assertThat(response.getContentAsString()).contains("Sessions are unavailable", "127.0.0.1:1");
	}

	@Test
	void answersOne503ForAStoreFailureInTheChainAndAsksTheStoreNothingMoreForTheRequest() throws Exception {
		UnavailableStore store = new UnavailableStore();
		StoreSessionRepository repository = new StoreSessionRepository(store,
				new JavaSessionSerializer(List.of(), null));
		MockHttpServletRequest request = request("abc");
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.filter.doFilter(request, response, (req, res) -> {
			res.getWriter().write("a body that is never sent");
			try {
				repository.findById("abc");
			}
			finally {
				// as Spring Session's filter saves in its finally
				repository.save(repository.createSession());
			}
		});
		assertThat(store.calls).hasValue(1);
		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(response.getHeader("Retry-After")).isEqualTo("1");
		assertThat(response.getContentAsString())
			.isEqualTo("Sessions are unavailable: " + UnavailableStore.MESSAGE + "\n");
		assertThat(this.manager.heldLocks()).isZero();
		request.setDispatcherType(DispatcherType.ERROR);
		List<Integer> heldInErrorDispatch = new ArrayList<>();
		this.filter.doFilter(request, new MockHttpServletResponse(), (req, res) -> {
			heldInErrorDispatch.add(this.manager.heldLocks());
			assertThatExceptionOfType(StoreUnavailableException.class).isThrownBy(() -> repository.findById("abc"));
		});
		assertThat(heldInErrorDispatch).containsExactly(0);
		assertThat(store.calls).hasValue(1);
		assertThat(this.statistics.acquisitions()).isOne();
	}

	@Test
	void aForwardPassesAStoreFailureOnToTheDispatchThatAnswers() {
		MockHttpServletRequest request = request("abc");
		request.setDispatcherType(DispatcherType.FORWARD);
		FilterChain failing = (req, response) -> {
			throw new StoreUnavailableException(UnavailableStore.MESSAGE, null);
		};
		assertThatExceptionOfType(StoreUnavailableException.class)
			.isThrownBy(() -> this.filter.doFilter(request, new MockHttpServletResponse(), failing));
	}

	@Test
	void passesOnAFailureOfTheChainThatIsNotTheStores() {
		FilterChain failing = (request, response) -> {
			throw new ServletException("controller failed", new IllegalStateException("not the store"));
		};
		assertThatExceptionOfType(ServletException.class)
			.isThrownBy(() -> this.filter.doFilter(request("abc"), new MockHttpServletResponse(), failing));
	}

	@Test
	void takesNoLockWithoutASessionId() throws Exception {
		List<Integer> heldInChain = new ArrayList<>();
		this.filter.doFilter(new MockHttpServletRequest(), new MockHttpServletResponse(),
				(request, response) -> heldInChain.add(this.manager.heldLocks()));
		assertThat(heldInChain).containsExactly(0);
		assertThat(this.statistics.acquisitions()).isZero();
	}

	@Test
	void takesNoLockForAnInvalidSessionId() throws Exception {
		List<Integer> heldInChain = new ArrayList<>();
		this.filter.doFilter(request("../../etc/passwd"), new MockHttpServletResponse(),
				(request, response) -> heldInChain.add(this.manager.heldLocks()));
		assertThat(heldInChain).containsExactly(0);
	}

	@Test
	void locksEveryValidRequestedSessionId() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setCookies(new Cookie("SESSION", "b"), new Cookie("SESSION", "a"), new Cookie("SESSION", "a"),
				new Cookie("SESSION", "not valid"));
		List<Integer> heldInChain = new ArrayList<>();
		this.filter.doFilter(request, new MockHttpServletResponse(),
				(req, response) -> heldInChain.add(this.manager.heldLocks()));
		assertThat(heldInChain).containsExactly(2);
		assertThat(this.manager.heldLocks()).isZero();
	}

	@Test
	void locksAtMostTheFirstThreeValidRequestedSessionIds() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest();
		List<Cookie> cookies = new ArrayList<>();
		cookies.add(new Cookie("SESSION", "not valid"));
		for (int i = 200; i > 0; i--) {
			cookies.add(new Cookie("SESSION", "id" + i));
		}
		request.setCookies(cookies.toArray(Cookie[]::new));
		List<Integer> heldInChain = new ArrayList<>();
		this.filter.doFilter(request, new MockHttpServletResponse(),
				(req, response) -> heldInChain.add(this.manager.heldLocks()));
		assertThat(heldInChain).containsExactly(3);
		assertThat(this.manager.heldLocks()).isZero();
	}

	@Test
	void releasesTheLockWhenTheChainThrows() {
		FilterChain failing = (request, response) -> {
			throw new IllegalStateException("controller failed");
		};
		assertThatIllegalStateException()
			.isThrownBy(() -> this.filter.doFilter(request("abc"), new MockHttpServletResponse(), failing));
		assertThat(this.manager.heldLocks()).isZero();
		assertThat(this.manager.entries()).isZero();
	}

	@Test
	void nestedDispatchOfTheSameRequestSharesItsLock() throws Exception {
		this.filter.setTimeout(Duration.ZERO);
		MockHttpServletRequest request = request("abc");
		List<Integer> heldInForward = new ArrayList<>();
		FilterChain forwarding = (req, response) -> {
			request.setDispatcherType(DispatcherType.FORWARD);
			this.filter.doFilter(req, response, (r, s) -> heldInForward.add(this.manager.heldLocks()));
			request.setDispatcherType(DispatcherType.REQUEST);
		};
		this.filter.doFilter(request, new MockHttpServletResponse(), forwarding);
		assertThat(heldInForward).containsExactly(1);
		assertThat(this.statistics.timeouts()).isZero();
		assertThat(this.manager.heldLocks()).isZero();
	}

	@Test
	void rejectsWith503AndRetryAfterWhenTheLockIsHeldTooLong() throws Exception {
		this.filter.setTimeout(Duration.ofMillis(1500));
		this.filter.setTimeoutAction(LockTimeoutAction.REJECT);
		SessionLock other = this.manager.tryLock("abc", Duration.ZERO);
		MockHttpServletResponse response = new MockHttpServletResponse();
		MockFilterChain chain = new MockFilterChain();
		this.filter.doFilter(request("abc"), response, chain);
		other.release();
		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(response.getHeader("Retry-After")).isEqualTo("2");
		assertThat(chain.getRequest()).isNull();
		assertThat(this.statistics.timeouts()).isOne();
	}

	@Test
	void proceedsWithoutTheLockWhenTheLockIsHeldTooLong() throws Exception {
		this.filter.setTimeout(Duration.ZERO);
		SessionLock other = this.manager.tryLock("abc", Duration.ZERO);
		MockFilterChain chain = new MockFilterChain();
		this.filter.doFilter(request("abc"), new MockHttpServletResponse(), chain);
		assertThat(chain.getRequest()).isNotNull();
		assertThat(this.manager.heldLocks()).isOne();
		other.release();
		assertThat(this.statistics.timeouts()).isOne();
	}

	/**
	 * A lock had at once is recorded as a wait of zero, without reading the clock twice around
	 * its map insertion; a wait for a held lock is timed.
	 */
	@Test
	void aLockHadAtOnceIsAWaitOfZeroAndAWaitIsTimed() throws Exception {
		List<Long> waits = new ArrayList<>();
		this.statistics.setWaitRecorder((nanos, acquired) -> waits.add(nanos));
		for (int i = 0; i < 100; i++) {
			this.filter.doFilter(request("id" + i), new MockHttpServletResponse(), new MockFilterChain());
		}
		assertThat(waits).hasSize(100).containsOnly(0L);
		this.filter.setTimeout(Duration.ofMillis(20));
		SessionLock other = this.manager.tryLock("abc", Duration.ZERO);
		this.filter.doFilter(request("abc"), new MockHttpServletResponse(), new MockFilterChain());
		other.release();
		assertThat(waits).hasSize(101);
		assertThat(waits.get(100)).isGreaterThanOrEqualTo(Duration.ofMillis(20).toNanos());
		assertThat(this.statistics.acquisitions()).isEqualTo(100);
		assertThat(this.statistics.timeouts()).isOne();
	}

	@Test
	void asynchronousRequestKeepsItsLockUntilItCompletes() throws Exception {
		MockHttpServletRequest request = request("abc");
		request.setAsyncSupported(true);
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.filter.doFilter(request, response, (req, res) -> req.startAsync());
		assertThat(this.manager.heldLocks()).isOne();
		request.setDispatcherType(DispatcherType.ASYNC);
		this.filter.doFilter(request, response, new MockFilterChain());
		assertThat(this.manager.heldLocks()).isOne();
		request.getAsyncContext().complete();
		assertThat(this.manager.heldLocks()).isZero();
	}

	@Test
	void resolvesSessionIdsWithTheGivenResolver() throws ServletException, java.io.IOException {
		SessionLockFilter headerFilter = new SessionLockFilter(this.manager, HeaderHttpSessionIdResolver.xAuthToken(),
				this.statistics);
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.addHeader("X-Auth-Token", "abc");
		List<Integer> heldInChain = new ArrayList<>();
		headerFilter.doFilter(request, new MockHttpServletResponse(),
				(req, response) -> heldInChain.add(this.manager.heldLocks()));
		assertThat(heldInChain).containsExactly(1);
	}

	/**
	 * The filter keeps what it needs for a request (its locks, its store failure memory) in one
	 * request attribute, set once; it set two and removed one.
	 */
	@Test
	void writesOneRequestAttributeARequest() throws Exception {
		List<String> writes = new ArrayList<>();
		MockHttpServletRequest request = new MockHttpServletRequest() {

			@Override
			public void setAttribute(String name, Object value) {
				writes.add("set " + name);
				super.setAttribute(name, value);
			}

			@Override
			public void removeAttribute(String name) {
				writes.add("remove " + name);
				super.removeAttribute(name);
			}

		};
		request.setCookies(new Cookie("SESSION", "abc"));
		List<Integer> heldInChain = new ArrayList<>();
		this.filter.doFilter(request, new MockHttpServletResponse(),
				(req, response) -> heldInChain.add(this.manager.heldLocks()));
		assertThat(heldInChain).containsExactly(1);
		assertThat(this.manager.heldLocks()).isZero();
		assertThat(writes).hasSize(1);
	}

	private static MockHttpServletRequest request(String sessionId) {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setCookies(new Cookie("SESSION", sessionId));
		return request;
	}

	/**
	 * A store that is never reachable, counting the calls made to it.
	 */
	private static final class UnavailableStore implements SessionStore {

		static final String MESSAGE = "Session daemon at 127.0.0.1:1 did not answer GET within 2000ms";

		final AtomicInteger calls = new AtomicInteger();

		@Override
		public SessionRecord find(String id) {
			this.calls.incrementAndGet();
			throw new StoreUnavailableException(MESSAGE, null);
		}

		@Override
		public SessionRecord save(SessionChange change) {
			this.calls.incrementAndGet();
			throw new StoreUnavailableException(MESSAGE, null);
		}

		@Override
		public String type() {
			return "unavailable";
		}

		@Override
		public SessionRecord delete(String id) {
			throw new UnsupportedOperationException();
		}

		@Override
		public boolean deleteIfExpired(String id, Instant now) {
			throw new UnsupportedOperationException();
		}

		@Override
		public Collection<SessionRecord> findByPrincipalName(String principalName) {
			throw new UnsupportedOperationException();
		}

		@Override
		public int purgeExpired(Instant now) {
			throw new UnsupportedOperationException();
		}

		@Override
		public StoreUsage usage() {
			return StoreUsage.EMPTY;
		}

		@Override
		public void setRemovalListener(RemovalListener listener) {
		}

	}

}
