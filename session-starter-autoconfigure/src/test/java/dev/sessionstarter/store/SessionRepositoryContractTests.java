package dev.sessionstarter.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.FlushMode;
import org.springframework.session.SaveMode;
import org.springframework.session.events.SessionCreatedEvent;
import org.springframework.session.events.SessionDeletedEvent;
import org.springframework.session.events.SessionExpiredEvent;

import dev.sessionstarter.serialization.EncryptingSessionSerializer;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.serialization.SessionSerializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The contract every store's repository meets; each store's test extends it.
 */
public abstract class SessionRepositoryContractTests {

	protected static final String PRINCIPAL = FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME;

	protected final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	protected final List<Object> events = new CopyOnWriteArrayList<>();

	protected StoreSessionRepository repository;

	/**
	 * Create the store under test, empty.
	 * @param clock the clock the test moves
	 * @return the store
	 */
	protected abstract SessionStore createStore(Clock clock);

	/**
	 * Create the serializer of the repository under test: the JDK one unless overridden.
	 * @return the serializer
	 */
	protected SessionSerializer createSerializer() {
		return createSerializer(List.of("dev.sessionstarter.**"));
	}

	/**
	 * Create a serializer of the kind under test that allows these classes beyond the defaults.
	 * @param allowedClasses class name patterns
	 * @return the serializer
	 */
	protected SessionSerializer createSerializer(List<String> allowedClasses) {
		return new JavaSessionSerializer(allowedClasses, null);
	}

	/**
	 * Create a serializer that encrypts what the JDK one encodes, as
	 * {@code sessions.encryption.key} configures it, for variants of this contract that run
	 * encrypted.
	 * @param allowedClasses class name patterns
	 * @return the serializer
	 */
	protected static SessionSerializer encryptingSerializer(List<String> allowedClasses) {
		byte[] key = new byte[32];
		for (int i = 0; i < key.length; i++) {
			key[i] = (byte) (7 * i + 3);
		}
		return new EncryptingSessionSerializer(new JavaSessionSerializer(allowedClasses, null), List.of(key));
	}

	@BeforeEach
	void createRepository() {
		this.repository = new StoreSessionRepository(createStore(this.clock), createSerializer());
		this.repository.setClock(this.clock);
		this.repository.setApplicationEventPublisher((event) -> this.events.add(event));
	}

	protected StoredSession saved(String name, Object value) {
		StoredSession session = this.repository.createSession();
		session.setAttribute(name, value);
		this.repository.save(session);
		return session;
	}

	@Test
	void findsASavedSessionWithItsAttributes() {
		ArrayList<Object> nested = new ArrayList<>(List.of("a", 1, Map.of("k", List.of(2L, true))));
		StoredSession session = this.repository.createSession();
		session.setAttribute("name", "Zoë");
		session.setAttribute("count", 42);
		session.setAttribute("big", Long.MAX_VALUE);
		session.setAttribute("flag", true);
		session.setAttribute("nested", nested);
		this.repository.save(session);
		StoredSession found = this.repository.findById(session.getId());
		assertThat(found).isNotNull();
		assertThat(found.getAttributeNames()).containsExactlyInAnyOrder("name", "count", "big", "flag", "nested");
		assertThat((String) found.getAttribute("name")).isEqualTo("Zoë");
		assertThat((Integer) found.getAttribute("count")).isEqualTo(42);
		assertThat((Long) found.getAttribute("big")).isEqualTo(Long.MAX_VALUE);
		assertThat((Boolean) found.getAttribute("flag")).isTrue();
		assertThat((Object) found.getAttribute("nested")).isEqualTo(nested);
		assertThat(found.getCreationTime()).isEqualTo(session.getCreationTime());
		assertThat(found.getMaxInactiveInterval()).isEqualTo(session.getMaxInactiveInterval());
	}

	@Test
	void doesNotFindAnUnsavedSession() {
		StoredSession session = this.repository.createSession();
		assertThat(this.repository.findById(session.getId())).isNull();
	}

	@Test
	void findsNothingForMalformedIds() {
		saved("a", 1);
		for (String id : List.of("", "../../etc/passwd", "/etc/passwd", "a/b", "a\\b", "a\0b", "a b", "x".repeat(129),
				"..", ".")) {
			assertThat(this.repository.findById(id)).as(id).isNull();
			this.repository.deleteById(id);
		}
		assertThat(storedSessions()).isLessThanOrEqualTo(1);
	}

	@Test
	void publishesCreatedOnceOnFirstSave() {
		StoredSession session = saved("a", 1);
		session.setAttribute("b", 2);
		this.repository.save(session);
		assertThat(this.events).hasSize(1).first().isInstanceOf(SessionCreatedEvent.class);
		assertThat(((SessionCreatedEvent) this.events.get(0)).getSessionId()).isEqualTo(session.getId());
		assertThat(this.repository.getStatistics().created()).isEqualTo(1);
	}

	@Test
	void deletesASessionAndPublishesDeleted() {
		StoredSession session = saved("a", 1);
		this.repository.deleteById(session.getId());
		assertThat(this.repository.findById(session.getId())).isNull();
		assertThat(this.events).last().isInstanceOf(SessionDeletedEvent.class);
		assertThat(this.repository.getStatistics().deleted()).isEqualTo(1);
	}

	@Test
	void neverReturnsAnExpiredSessionAndPublishesExpired() {
		StoredSession session = saved("a", 1);
		this.clock.advance(session.getMaxInactiveInterval().plusSeconds(1));
		assertThat(this.repository.findById(session.getId())).isNull();
		assertThat(this.events).last().isInstanceOf(SessionExpiredEvent.class);
		assertThat(this.repository.getStatistics().expired()).isEqualTo(1);
	}

	@Test
	void aTouchedSessionLivesOn() {
		StoredSession session = saved("a", 1);
		this.clock.advance(session.getMaxInactiveInterval().minusSeconds(10));
		StoredSession found = this.repository.findById(session.getId());
		found.setLastAccessedTime(this.clock.instant());
		this.repository.save(found);
		this.clock.advance(Duration.ofSeconds(20));
		assertThat(this.repository.findById(session.getId())).isNotNull();
	}

	@Test
	void aSessionWithANegativeTimeoutNeverExpires() {
		StoredSession session = this.repository.createSession();
		session.setMaxInactiveInterval(Duration.ofSeconds(-1));
		this.repository.save(session);
		this.clock.advance(Duration.ofDays(3650));
		assertThat(this.repository.purgeExpiredSessions()).isZero();
		assertThat(this.repository.findById(session.getId())).isNotNull();
	}

	@Test
	void purgesExpiredSessions() {
		StoredSession old = saved("a", 1);
		this.clock.advance(old.getMaxInactiveInterval().minusMinutes(1));
		StoredSession young = saved("b", 2);
		this.clock.advance(Duration.ofMinutes(2));
		assertThat(this.repository.purgeExpiredSessions()).isEqualTo(1);
		assertThat(this.repository.findById(young.getId())).isNotNull();
		StoreStatistics statistics = this.repository.getStatistics();
		assertThat(statistics.expired()).isEqualTo(1);
		assertThat(statistics.purges()).isEqualTo(1);
		assertThat(statistics.lastPurge()).isEqualTo(this.clock.instant());
		assertThat(this.events).filteredOn(SessionExpiredEvent.class::isInstance).hasSize(1);
	}

	@Test
	void overlappingSavesOfDifferentAttributesKeepBoth() {
		StoredSession session = saved("start", 0);
		StoredSession first = this.repository.findById(session.getId());
		StoredSession second = this.repository.findById(session.getId());
		first.setAttribute("fromFirst", "one");
		second.setAttribute("fromSecond", "two");
		this.repository.save(first);
		this.repository.save(second);
		StoredSession found = this.repository.findById(session.getId());
		assertThat((String) found.getAttribute("fromFirst")).isEqualTo("one");
		assertThat((String) found.getAttribute("fromSecond")).isEqualTo("two");
		assertThat((Integer) found.getAttribute("start")).isZero();
	}

	@Test
	void removesAnAttribute() {
		StoredSession session = saved("a", 1);
		StoredSession found = this.repository.findById(session.getId());
		found.removeAttribute("a");
		this.repository.save(found);
		assertThat(this.repository.findById(session.getId()).getAttributeNames()).isEmpty();
	}

	@Test
	void aSaveWithoutChangesWritesNothing() {
		StoredSession session = saved("a", 1);
		StoredSession found = this.repository.findById(session.getId());
		long version = found.getVersion();
		found.getAttribute("a");
		this.repository.save(found);
		assertThat(this.repository.findById(session.getId()).getVersion()).isEqualTo(version);
	}

	@Test
	void onSetAttributeDoesNotWriteAMutatedValueThatWasOnlyRead() {
		StoredSession session = saved("list", new ArrayList<>(List.of("a")));
		StoredSession found = this.repository.findById(session.getId());
		List<String> list = found.getAttribute("list");
		list.add("b");
		this.repository.save(found);
		assertThat((List<String>) this.repository.findById(session.getId()).getAttribute("list")).containsExactly("a");
	}

	@Test
	void onGetAttributeWritesValuesThatWereRead() {
		this.repository.setSaveMode(SaveMode.ON_GET_ATTRIBUTE);
		StoredSession session = saved("list", new ArrayList<>(List.of("a")));
		StoredSession found = this.repository.findById(session.getId());
		List<String> list = found.getAttribute("list");
		list.add("b");
		this.repository.save(found);
		assertThat((List<String>) this.repository.findById(session.getId()).getAttribute("list"))
			.containsExactly("a", "b");
	}

	@Test
	void alwaysWritesEveryAttribute() {
		this.repository.setSaveMode(SaveMode.ALWAYS);
		StoredSession session = saved("a", 1);
		StoredSession stale = this.repository.findById(session.getId());
		StoredSession other = this.repository.findById(session.getId());
		other.setAttribute("a", 2);
		this.repository.save(other);
		stale.setAttribute("b", 3);
		this.repository.save(stale);
		StoredSession found = this.repository.findById(session.getId());
		assertThat((Integer) found.getAttribute("a")).isEqualTo(1);
		assertThat((Integer) found.getAttribute("b")).isEqualTo(3);
	}

	@Test
	void immediateFlushWritesEachChangeAtOnce() {
		this.repository.setFlushMode(FlushMode.IMMEDIATE);
		StoredSession session = this.repository.createSession();
		assertThat(this.repository.findById(session.getId())).isNotNull();
		session.setAttribute("a", 1);
		assertThat((Integer) this.repository.findById(session.getId()).getAttribute("a")).isEqualTo(1);
	}

	@Test
	void changesToASessionDeletedMeanwhileAreDropped() {
		StoredSession session = saved("a", 1);
		StoredSession found = this.repository.findById(session.getId());
		this.repository.deleteById(session.getId());
		found.setAttribute("b", 2);
		this.repository.save(found);
		assertThat(this.repository.findById(session.getId())).isNull();
	}

	@Test
	void findsSessionsByPrincipalNameIndexAttribute() {
		StoredSession alice1 = saved(PRINCIPAL, "alice");
		StoredSession alice2 = saved(PRINCIPAL, "alice");
		saved(PRINCIPAL, "bob");
		saved("anonymous", true);
		Map<String, StoredSession> found = this.repository.findByPrincipalName("alice");
		assertThat(found).containsOnlyKeys(alice1.getId(), alice2.getId());
		assertThat(this.repository.findByIndexNameAndIndexValue("other", "alice")).isEmpty();
	}

	@Test
	void findsSessionsByTheSpringSecurityPrincipal() {
		SecurityContextImpl context = new SecurityContextImpl(UsernamePasswordAuthenticationToken
			.authenticated("carol", null, AuthorityUtils.createAuthorityList("ROLE_USER")));
		StoredSession session = saved("SPRING_SECURITY_CONTEXT", context);
		assertThat(this.repository.findByPrincipalName("carol")).containsOnlyKeys(session.getId());
		StoredSession found = this.repository.findById(session.getId());
		found.removeAttribute("SPRING_SECURITY_CONTEXT");
		this.repository.save(found);
		assertThat(this.repository.findByPrincipalName("carol")).isEmpty();
	}

	@Test
	void doesNotFindExpiredSessionsByPrincipal() {
		StoredSession session = saved(PRINCIPAL, "dave");
		this.clock.advance(session.getMaxInactiveInterval().plusSeconds(1));
		assertThat(this.repository.findByPrincipalName("dave")).isEmpty();
	}

	@Test
	void changeSessionIdKeepsAttributesAndMovesTheIndex() {
		StoredSession session = saved(PRINCIPAL, "erin");
		String oldId = session.getId();
		StoredSession found = this.repository.findById(oldId);
		String newId = found.changeSessionId();
		found.setAttribute("after", "login");
		this.repository.save(found);
		assertThat(newId).isNotEqualTo(oldId);
		assertThat(this.repository.findById(oldId)).isNull();
		StoredSession renamed = this.repository.findById(newId);
		assertThat((String) renamed.getAttribute(PRINCIPAL)).isEqualTo("erin");
		assertThat((String) renamed.getAttribute("after")).isEqualTo("login");
		assertThat(this.repository.findByPrincipalName("erin")).containsOnlyKeys(newId);
		assertThat(storedSessions()).isEqualTo(1);
	}

	@Test
	void changeSessionIdOfANewSessionSavesUnderTheNewId() {
		StoredSession session = this.repository.createSession();
		String newId = session.changeSessionId();
		session.setAttribute("a", 1);
		this.repository.save(session);
		assertThat(this.repository.findById(newId)).isNotNull();
	}

	@Test
	void anAttributeThatCannotBeDecodedDropsTheSession() {
		StoredSession session = saved("ok", 1);
		StoreSessionRepository strict = new StoreSessionRepository(this.repository.getStore(),
				createSerializer(List.of()));
		strict.setClock(this.clock);
		strict.setDecodeOnLoad(false);
		StoredSession other = saved("notAllowed", new AllowedOnlyInTests("x"));
		StoredSession found = strict.findById(other.getId());
		assertThat((Object) found.getAttribute("notAllowed")).isNull();
		assertThat(strict.getStatistics().serializationFailures()).isEqualTo(1);
		assertThat(strict.findById(other.getId())).isNull();
		assertThat(strict.findById(session.getId())).isNotNull();
	}

	@Test
	void decodeOnLoadDropsTheSessionBeforeTheRequestSeesIt() {
		StoredSession other = saved("notAllowed", new AllowedOnlyInTests("x"));
		StoreSessionRepository strict = new StoreSessionRepository(this.repository.getStore(),
				createSerializer(List.of()));
		strict.setClock(this.clock);
		strict.setDecodeOnLoad(true);
		assertThat(strict.findById(other.getId())).isNull();
		assertThat(strict.getStatistics().serializationFailures()).isEqualTo(1);
		assertThat(this.repository.findById(other.getId())).isNull();
	}

	@Test
	void staysConsistentUnderConcurrentCreateReadSaveAndDelete() throws Exception {
		List<String> ids = new CopyOnWriteArrayList<>();
		for (int i = 0; i < 50; i++) {
			ids.add(saved("count", 0).getId());
		}
		ExecutorService executor = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				futures.add(executor.submit(() -> {
					ThreadLocalRandom random = ThreadLocalRandom.current();
					for (int i = 0; i < 2_000; i++) {
						String id = ids.get(random.nextInt(ids.size()));
						switch (random.nextInt(4)) {
							case 0 -> ids.add(saved("count", 0).getId());
							case 1 -> this.repository.deleteById(id);
							default -> {
								StoredSession session = this.repository.findById(id);
								if (session != null) {
									Integer count = session.getAttribute("count");
									session.setAttribute("count", (count != null) ? count + 1 : 1);
									session.setAttribute("payload", "x".repeat(random.nextInt(200)));
									this.repository.save(session);
								}
							}
						}
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get();
			}
		}
		finally {
			executor.shutdownNow();
		}
		long findable = ids.stream().distinct().filter((id) -> this.repository.findById(id) != null).count();
		assertThat(storedSessions()).isEqualTo(findable);
		assertConsistent();
	}

	@Test
	void aTouchWithinTheSavePeriodWritesNothing() {
		this.repository.setSavePeriod(Duration.ofMinutes(1));
		StoredSession session = saved("a", 1);
		long version = storedVersion(session.getId());
		this.clock.advance(Duration.ofSeconds(59));
		assertThat(touch(session.getId())).isEqualTo(version);
		assertThat(this.repository.findById(session.getId()).getLastAccessedTime())
			.isEqualTo(session.getLastAccessedTime());
	}

	@Test
	void aTouchAfterTheSavePeriodWrites() {
		this.repository.setSavePeriod(Duration.ofMinutes(1));
		StoredSession session = saved("a", 1);
		long version = storedVersion(session.getId());
		this.clock.advance(Duration.ofSeconds(30));
		assertThat(touch(session.getId())).isEqualTo(version);
		this.clock.advance(Duration.ofSeconds(30));
		assertThat(touch(session.getId())).isGreaterThan(version);
		assertThat(this.repository.findById(session.getId()).getLastAccessedTime()).isEqualTo(this.clock.instant());
	}

	@Test
	void aChangedAttributeOrTimeoutIsWrittenWithinTheSavePeriod() {
		this.repository.setSavePeriod(Duration.ofMinutes(1));
		StoredSession session = saved("a", 1);
		long version = storedVersion(session.getId());
		this.clock.advance(Duration.ofSeconds(1));
		StoredSession found = this.repository.findById(session.getId());
		found.setLastAccessedTime(this.clock.instant());
		found.setAttribute("a", 2);
		this.repository.save(found);
		assertThat(storedVersion(session.getId())).isEqualTo(version + 1);
		assertThat((Integer) this.repository.findById(session.getId()).getAttribute("a")).isEqualTo(2);
		found = this.repository.findById(session.getId());
		found.setMaxInactiveInterval(Duration.ofHours(1));
		this.repository.save(found);
		assertThat(storedVersion(session.getId())).isEqualTo(version + 2);
	}

	@Test
	void aSessionInUseNeverExpiresEarlyWhenItsTouchesAreNotWritten() {
		this.repository.setSavePeriod(Duration.ofMinutes(1));
		StoredSession session = saved("a", 1);
		long version = storedVersion(session.getId());
		this.clock.advance(Duration.ofSeconds(59));
		assertThat(touch(session.getId())).isEqualTo(version);
		Instant lastRequest = this.clock.instant();
		// one millisecond before its timeout after its last request: the stored access time is 59 s older
		this.clock.advance(session.getMaxInactiveInterval().minusMillis(1));
		assertThat(this.repository.purgeExpiredSessions()).isZero();
		assertThat(this.repository.findByIndexNameAndIndexValue(PRINCIPAL, "nobody")).isEmpty();
		assertThat(this.repository.findById(session.getId())).isNotNull();
		assertThat(this.events).noneMatch(SessionExpiredEvent.class::isInstance);
		// it goes at most one save period after its timeout
		this.clock.advance(Duration.ofMinutes(1).plusMillis(1));
		assertThat(this.clock.instant()).isAfter(lastRequest.plus(session.getMaxInactiveInterval()));
		this.repository.purgeExpiredSessions();
		assertThat(this.repository.findById(session.getId())).isNull();
	}

	@Test
	void aSessionWhoseTimeoutIsUnderTenSavePeriodsIsWrittenOnEveryTouch() {
		this.repository.setSavePeriod(Duration.ofMinutes(1));
		StoredSession session = this.repository.createSession();
		session.setMaxInactiveInterval(Duration.ofMinutes(5));
		this.repository.save(session);
		long version = storedVersion(session.getId());
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(touch(session.getId())).isGreaterThan(version);
		this.clock.advance(Duration.ofMinutes(5));
		assertThat(this.repository.findById(session.getId())).isNull();
	}

	/**
	 * Load a session, stamp its access time as the session filter does, save it, and answer
	 * its stored version: it grows with every write the store makes.
	 */
	private long touch(String id) {
		StoredSession found = this.repository.findById(id);
		assertThat(found).isNotNull();
		found.setLastAccessedTime(this.clock.instant());
		this.repository.save(found);
		this.repository.save(found);
		return storedVersion(id);
	}

	/**
	 * Return the version of a stored session, as a store that can prove one reports it.
	 * @param id the session id
	 * @return the version
	 */
	protected long storedVersion(String id) {
		Long version = this.repository.getStore().version(id);
		assertThat(version).as("stored version of " + id).isNotNull();
		return version;
	}

	/**
	 * Return how many sessions the store under test holds.
	 * @return the count; by default the store's own {@link SessionStore#usage() usage}, which
	 * stores that cannot count (a foreign repository) replace with a count of their backing data
	 */
	protected long storedSessions() {
		return this.repository.getStatistics().usage().sessions();
	}

	/**
	 * Check store-specific invariants after concurrent use.
	 */
	protected void assertConsistent() {
	}


	@Test
	void refusesASaveOverTheSizeLimitAndKeepsThePreviousVersion() {
		this.repository.setMaxSessionSize(16 * 1024);
		StoredSession session = saved("mark", "first");
		StoredSession loaded = this.repository.findById(session.getId());
		loaded.setAttribute("mark", "second");
		loaded.setAttribute("padding", "p".repeat(32 * 1024));
		assertThatExceptionOfType(SessionTooLargeException.class).isThrownBy(() -> this.repository.save(loaded))
			.withMessageContaining("sessions.max-session-size")
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("sessions.max-session-size"));
		this.repository.save(loaded);
		StoredSession found = this.repository.findById(session.getId());
		assertThat(found.getAttributeNames()).containsExactly("mark");
		assertThat((String) found.getAttribute("mark")).isEqualTo("first");
		assertThat(this.repository.getStatistics().oversized()).isEqualTo(1);
		found.setAttribute("padding", "p".repeat(8 * 1024));
		this.repository.save(found);
		assertThat(this.repository.findById(session.getId()).getAttributeNames()).contains("padding");
	}

	@Test
	void refusesToCreateASessionOverTheSizeLimit() {
		this.repository.setMaxSessionSize(16 * 1024);
		StoredSession session = this.repository.createSession();
		session.setAttribute("padding", "p".repeat(32 * 1024));
		assertThatExceptionOfType(SessionTooLargeException.class).isThrownBy(() -> this.repository.save(session));
		this.repository.save(session);
		assertThat(this.repository.findById(session.getId())).isNull();
		assertThat(this.repository.getStatistics().oversized()).isEqualTo(1);
	}

	@Test
	void countsWhatOtherAttributesTakeAgainstTheSizeLimit() {
		this.repository.setMaxSessionSize(16 * 1024);
		StoredSession session = saved("first", "p".repeat(10 * 1024));
		StoredSession loaded = this.repository.findById(session.getId());
		loaded.setAttribute("second", "p".repeat(10 * 1024));
		assertThatExceptionOfType(SessionTooLargeException.class).isThrownBy(() -> this.repository.save(loaded));
		loaded.removeAttribute("first");
		loaded.setAttribute("second", "p".repeat(10 * 1024));
		this.repository.save(loaded);
		assertThat(this.repository.findById(session.getId()).getAttributeNames()).containsExactly("second");
	}

}
