package dev.sessionstarter.store.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.events.SessionExpiredEvent;

import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.MutableClock;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two application instances on one Redis, each with its own connection, store and repository
 * in one namespace: what one does, the other sees, and each expired session is reported once.
 */
class RedisStoreTwoInstancesTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private LettuceConnectionFactory otherFactory;

	private StoreSessionRepository one;

	private StoreSessionRepository two;

	@BeforeEach
	void createInstances() {
		String namespace = "two-" + UUID.randomUUID();
		this.otherFactory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
		this.otherFactory.afterPropertiesSet();
		this.otherFactory.start();
		this.one = repository(new RedisCalls(redis.connectionFactory(), Duration.ofSeconds(5)), namespace);
		this.two = repository(new RedisCalls(this.otherFactory, Duration.ofSeconds(5)), namespace);
	}

	private StoreSessionRepository repository(RedisCalls calls, String namespace) {
		StoreSessionRepository repository = new StoreSessionRepository(
				RedisStores.store(calls, namespace, this.clock),
				new JavaSessionSerializer(List.of("dev.sessionstarter.**"), null));
		repository.setClock(this.clock);
		repository.setApplicationEventPublisher(this.events::add);
		return repository;
	}

	@AfterEach
	void closeOtherFactory() {
		this.otherFactory.destroy();
	}

	@Test
	void aSessionMadeInOneIsUsedInTheOther() {
		StoredSession session = this.one.createSession();
		session.setAttribute("cart", "SKU-1");
		this.one.save(session);
		StoredSession found = this.two.findById(session.getId());
		assertThat(found).isNotNull();
		assertThat((String) found.getAttribute("cart")).isEqualTo("SKU-1");
		this.two.deleteById(session.getId());
		assertThat(this.one.findById(session.getId())).isNull();
	}

	@Test
	void changesOfDifferentAttributesInBothAreMerged() {
		StoredSession session = this.one.createSession();
		session.setAttribute("start", 0);
		this.one.save(session);
		StoredSession inOne = this.one.findById(session.getId());
		StoredSession inTwo = this.two.findById(session.getId());
		inOne.setAttribute("fromOne", 1);
		inTwo.setAttribute("fromTwo", 2);
		inTwo.removeAttribute("start");
		this.one.save(inOne);
		this.two.save(inTwo);
		StoredSession found = this.one.findById(session.getId());
		assertThat(found.getAttributeNames()).containsExactlyInAnyOrder("fromOne", "fromTwo");
		assertThat(found.getVersion()).isEqualTo(3);
	}

	@Test
	void aChangeToASessionTheOtherDeletedIsDropped() {
		StoredSession session = this.one.createSession();
		session.setAttribute("a", 1);
		this.one.save(session);
		StoredSession inOne = this.one.findById(session.getId());
		this.two.deleteById(session.getId());
		inOne.setAttribute("b", 2);
		this.one.save(inOne);
		assertThat(this.two.findById(session.getId())).isNull();
	}

	@Test
	void findsAUsersSessionsOfBothInstances() {
		String fromOne = withPrincipal(this.one, "alice");
		String fromTwo = withPrincipal(this.two, "alice");
		withPrincipal(this.two, "bob");
		assertThat(this.one.findByPrincipalName("alice")).containsOnlyKeys(fromOne, fromTwo);
		assertThat(this.two.findByPrincipalName("alice")).containsOnlyKeys(fromOne, fromTwo);
		this.one.deleteById(fromTwo);
		assertThat(this.two.findByPrincipalName("alice")).containsOnlyKeys(fromOne);
	}

	@Test
	void eachExpiredSessionIsReportedOnceByInstancesPurgingAtOnce() throws Exception {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			ids.add(withPrincipal((i % 2 == 0) ? this.one : this.two, "user" + (i % 7)));
		}
		this.clock.advance(Duration.ofMinutes(31));
		CyclicBarrier start = new CyclicBarrier(4);
		ExecutorService executor = Executors.newFixedThreadPool(4);
		try {
			List<Future<Integer>> purges = new ArrayList<>();
			for (StoreSessionRepository repository : List.of(this.one, this.two, this.one, this.two)) {
				purges.add(executor.submit(() -> {
					start.await(10, TimeUnit.SECONDS);
					return repository.purgeExpiredSessions();
				}));
			}
			int removed = 0;
			for (Future<Integer> purge : purges) {
				removed += purge.get(60, TimeUnit.SECONDS);
			}
			assertThat(removed).isEqualTo(300);
		}
		finally {
			executor.shutdownNow();
		}
		List<String> expired = this.events.stream()
			.filter(SessionExpiredEvent.class::isInstance)
			.map((event) -> ((SessionExpiredEvent) event).getSessionId())
			.toList();
		assertThat(expired).hasSize(300).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
		assertThat(this.one.getStatistics().expired() + this.two.getStatistics().expired()).isEqualTo(300);
		assertThat(this.one.getStatistics().usage().sessions()).isZero();
		assertThat(this.two.findByPrincipalName("user3")).isEmpty();
	}

	@Test
	void anExpiredSessionBothFindIsReportedOnce() {
		String id = withPrincipal(this.one, "carol");
		this.clock.advance(Duration.ofMinutes(31));
		assertThat(this.one.findById(id)).isNull();
		assertThat(this.two.findById(id)).isNull();
		assertThat(this.events).filteredOn(SessionExpiredEvent.class::isInstance).hasSize(1);
		assertThat(this.two.purgeExpiredSessions()).isZero();
	}

	private static String withPrincipal(StoreSessionRepository repository, String name) {
		StoredSession session = repository.createSession();
		session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, name);
		repository.save(session);
		return session.getId();
	}

}
