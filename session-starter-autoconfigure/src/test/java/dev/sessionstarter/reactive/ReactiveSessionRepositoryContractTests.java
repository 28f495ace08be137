package dev.sessionstarter.reactive;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.events.SessionCreatedEvent;
import org.springframework.session.events.SessionDeletedEvent;
import org.springframework.session.events.SessionExpiredEvent;

import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.MutableClock;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reactive twin of the repository contract: what {@link ReactiveStoreSessionRepository}
 * does over each store, called from a non-blocking thread (a Reactor parallel thread, like an
 * event loop). Every call of a store that may block runs on the {@link SessionScheduler}'s
 * threads, which the test checks by the thread each result arrives on.
 */
public abstract class ReactiveSessionRepositoryContractTests {

	protected static final String PRINCIPAL = FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME;

	protected final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	protected final List<Object> events = new CopyOnWriteArrayList<>();

	private final Scheduler eventLoop = Schedulers.newParallel("test-event-loop", 2);

	private final SessionScheduler scheduler = new SessionScheduler();

	private ReactiveStoreSessionRepository repository;

	private SessionStore store;

	/**
	 * Create the store under test, empty.
	 * @param clock the clock the test moves
	 * @return the store
	 */
	protected abstract SessionStore createStore(Clock clock);

	@BeforeEach
	void createRepository() {
		this.store = createStore(this.clock);
		StoreSessionRepository blocking = new StoreSessionRepository(this.store,
				new JavaSessionSerializer(List.of("dev.sessionstarter.**"), null));
		blocking.setClock(this.clock);
		blocking.setApplicationEventPublisher(this.events::add);
		this.repository = new ReactiveStoreSessionRepository(blocking, this.scheduler.get());
	}

	@AfterEach
	void disposeSchedulers() {
		this.eventLoop.dispose();
		this.scheduler.close();
	}

	/** Subscribe on the non-blocking thread and wait for the result on the test's thread. */
	private <T> T onEventLoop(Mono<T> call) {
		return call.subscribeOn(this.eventLoop).block();
	}

	private StoredSession saved(String name, Object value) {
		StoredSession session = onEventLoop(this.repository.createSession());
		session.setAttribute(name, value);
		onEventLoop(this.repository.save(session));
		return session;
	}

	@Test
	void findsASavedSessionWithItsAttributes() {
		StoredSession session = saved("name", "Zoë");
		StoredSession found = onEventLoop(this.repository.findById(session.getId()));
		assertThat(found).isNotNull();
		assertThat((String) found.getAttribute("name")).isEqualTo("Zoë");
		assertThat(this.events).hasSize(1).first().isInstanceOf(SessionCreatedEvent.class);
	}

	@Test
	void findsNothingForUnknownOrMalformedIds() {
		assertThat(onEventLoop(this.repository.findById("0b7ac3f4-a5f4-4ad8-9bd4-43b5bbfbd8c9"))).isNull();
		assertThat(onEventLoop(this.repository.findById("../../etc/passwd"))).isNull();
	}

	@Test
	void callsOfAStoreThatMayBlockRunOnTheSessionScheduler() {
		StoredSession session = saved("name", "value");
		String thread = onEventLoop(this.repository.findById(session.getId())
			.map((found) -> Thread.currentThread().getName()));
		String saveThread = onEventLoop(this.repository.save(session)
			.then(Mono.fromSupplier(() -> Thread.currentThread().getName())));
		if (this.store.isNonBlocking()) {
			assertThat(thread).startsWith("test-event-loop");
		}
		else {
			assertThat(thread).startsWith(SessionScheduler.THREAD_NAME_PREFIX);
			assertThat(saveThread).startsWith(SessionScheduler.THREAD_NAME_PREFIX);
		}
	}

	@Test
	void deletesASessionAndPublishesDeleted() {
		StoredSession session = saved("a", 1);
		onEventLoop(this.repository.deleteById(session.getId()));
		assertThat(onEventLoop(this.repository.findById(session.getId()))).isNull();
		assertThat(this.events).last().isInstanceOf(SessionDeletedEvent.class);
	}

	@Test
	void neverReturnsAnExpiredSessionAndPublishesExpired() {
		StoredSession session = saved("a", 1);
		this.clock.advance(session.getMaxInactiveInterval().plusSeconds(1));
		assertThat(onEventLoop(this.repository.findById(session.getId()))).isNull();
		assertThat(this.events).last().isInstanceOf(SessionExpiredEvent.class);
	}

	@Test
	void overlappingSavesOfDifferentAttributesKeepBoth() {
		StoredSession session = saved("count", 0);
		StoredSession first = onEventLoop(this.repository.findById(session.getId()));
		StoredSession second = onEventLoop(this.repository.findById(session.getId()));
		first.setAttribute("a", "from first");
		second.setAttribute("b", "from second");
		onEventLoop(this.repository.save(first));
		onEventLoop(this.repository.save(second));
		StoredSession found = onEventLoop(this.repository.findById(session.getId()));
		assertThat((String) found.getAttribute("a")).isEqualTo("from first");
		assertThat((String) found.getAttribute("b")).isEqualTo("from second");
	}

	@Test
	void findsSessionsByPrincipalName() {
		StoredSession alice = saved(PRINCIPAL, "alice");
		saved(PRINCIPAL, "bob");
		assertThat(onEventLoop(this.repository.findByPrincipalName("alice"))).containsOnlyKeys(alice.getId());
		assertThat(onEventLoop(this.repository.findByIndexNameAndIndexValue("other", "alice"))).isEmpty();
	}

	@Test
	void changeSessionIdMovesTheSessionAndItsIndex() {
		StoredSession session = saved(PRINCIPAL, "erin");
		String oldId = session.getId();
		StoredSession found = onEventLoop(this.repository.findById(oldId));
		String newId = found.changeSessionId();
		onEventLoop(this.repository.save(found));
		assertThat(onEventLoop(this.repository.findById(oldId))).isNull();
		assertThat(onEventLoop(this.repository.findById(newId))).isNotNull();
		assertThat(onEventLoop(this.repository.findByPrincipalName("erin"))).containsOnlyKeys(newId);
	}

}
