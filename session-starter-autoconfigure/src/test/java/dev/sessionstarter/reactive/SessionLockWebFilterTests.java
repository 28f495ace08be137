package dev.sessionstarter.reactive;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.http.HttpCookie;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.mock.web.server.MockWebSession;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.server.session.CookieWebSessionIdResolver;

import dev.sessionstarter.lock.LockStatistics;
import dev.sessionstarter.lock.MemorySessionLockManager;
import dev.sessionstarter.lock.SessionLock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit tests of {@link SessionLockWebFilter}'s error paths, on mock exchanges with a real
 * memory lock manager.
 */
class SessionLockWebFilterTests {

	private static final String SESSION_ID = "4b0c8e43-3a0b-4c38-9a0e-b3e1a3c4d5e6";

	private final MemorySessionLockManager manager = new MemorySessionLockManager();

	private final SessionScheduler scheduler = new SessionScheduler();

	private final LockStatistics statistics = new LockStatistics(this.manager);

	private final SessionLockWebFilter filter = new SessionLockWebFilter(this.manager,
			new CookieWebSessionIdResolver(), this.statistics, this.scheduler.get());

	@AfterEach
	void closeScheduler() {
		this.scheduler.close();
	}

	@Test
	void aChainThatFailedToLoadTheSessionEndsWithThatFailureAndReleasesTheLock() {
		IllegalStateException failure = new IllegalStateException("store unavailable");
		MockServerWebExchange exchange = MockServerWebExchange
			.builder(MockServerHttpRequest.get("/").cookie(new org.springframework.http.HttpCookie("SESSION", SESSION_ID)))
			.sessionManager((ignored) -> Mono.error(failure))
			.build();
		WebFilterChain chain = (filtered) -> filtered.getSession().then();
		StepVerifier.create(this.filter.filter(exchange, chain)).expectErrorMatches((ex) -> ex == failure).verify();
		assertThat(this.manager.heldLocks()).isZero();
	}

	@Test
	void aSaveThatFailsOnCommitIsNotTriedAgain() {
		AtomicInteger saves = new AtomicInteger();
		IllegalStateException failure = new IllegalStateException("store unavailable");
		MockWebSession session = new MockWebSession() {

			@Override
			public Mono<Void> save() {
				saves.incrementAndGet();
				return Mono.error(failure);
			}

		};
		session.getAttributes().put("count", 1);
		MockServerWebExchange exchange = MockServerWebExchange
			.builder(MockServerHttpRequest.get("/").cookie(new org.springframework.http.HttpCookie("SESSION", SESSION_ID)))
			.session(session)
			.build();
		WebFilterChain chain = (filtered) -> saveOnCommit(filtered);
		StepVerifier.create(this.filter.filter(exchange, chain)).expectErrorMatches((ex) -> ex == failure).verify();
		assertThat(saves).hasValue(1);
		assertThat(this.manager.heldLocks()).isZero();
	}

	@Test
	void aFailingChainHasItsStartedSessionSavedUnderTheLock() {
		AtomicInteger heldWhenSaved = new AtomicInteger(-1);
		MockWebSession session = new MockWebSession() {

			@Override
			public Mono<Void> save() {
				heldWhenSaved.set(SessionLockWebFilterTests.this.manager.heldLocks());
				return Mono.empty();
			}

		};
		session.getAttributes().put("count", 1);
		MockServerWebExchange exchange = MockServerWebExchange
			.builder(MockServerHttpRequest.get("/").cookie(new org.springframework.http.HttpCookie("SESSION", SESSION_ID)))
			.session(session)
			.build();
		IllegalStateException failure = new IllegalStateException("handler failed");
		StepVerifier.create(this.filter.filter(exchange, (filtered) -> Mono.error(failure)))
			.expectErrorMatches((ex) -> ex == failure)
			.verify();
		assertThat(heldWhenSaved).hasValue(1);
		assertThat(this.manager.heldLocks()).isZero();
	}

	@Test
	void aCancelledExchangeReleasesTheLockItTookAtOnce() {
		AtomicInteger heldDuringChain = new AtomicInteger(-1);
		WebFilterChain chain = (filtered) -> Mono.fromRunnable(() -> heldDuringChain.set(this.manager.heldLocks()))
			.then(Mono.never());
		Disposable request = this.filter.filter(exchange(), chain).subscribe();
		assertThat(heldDuringChain).hasValue(1);
		request.dispose();
		assertThat(this.manager.heldLocks()).isZero();
	}

	/**
	 * A lock had at once on the event loop is recorded as a wait of zero, as the servlet filter
	 * records it, without reading the clock around it.
	 */
	@Test
	void aLockHadAtOnceIsAWaitOfZero() {
		List<Long> waits = new ArrayList<>();
		this.statistics.setWaitRecorder((nanos, acquired) -> waits.add(nanos));
		for (int i = 0; i < 100; i++) {
			StepVerifier.create(this.filter.filter(exchange(), (filtered) -> Mono.empty())).verifyComplete();
		}
		assertThat(waits).hasSize(100).containsOnly(0L);
		assertThat(this.statistics.acquisitions()).isEqualTo(100);
	}

	@Test
	void aRequestThatWaitedForTheLockHoldsItAndReleasesItWhenDone() throws Exception {
		AtomicInteger heldDuringChain = new AtomicInteger(-1);
		SessionLock other = this.manager.tryLock(SESSION_ID, Duration.ZERO);
		assertThat(other).isNotNull();
		Mono<Void> request = this.filter.filter(exchange(),
				(filtered) -> Mono.fromRunnable(() -> heldDuringChain.set(this.manager.heldLocks())));
		StepVerifier.create(request).then(other::release).expectComplete().verify(Duration.ofSeconds(30));
		assertThat(heldDuringChain).hasValue(1);
		assertThat(this.manager.heldLocks()).isZero();
	}

	private static MockServerWebExchange exchange() {
		HttpCookie cookie = new HttpCookie("SESSION", SESSION_ID);
		return MockServerWebExchange.from(MockServerHttpRequest.get("/").cookie(cookie));
	}

	private static Mono<Void> saveOnCommit(ServerWebExchange exchange) {
		return exchange.getSession().doOnNext((session) -> exchange.getResponse().beforeCommit(session::save)).then();
	}

}
