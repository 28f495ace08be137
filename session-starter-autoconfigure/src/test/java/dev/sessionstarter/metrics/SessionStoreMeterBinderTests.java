package dev.sessionstarter.metrics;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.test.util.ReflectionTestUtils;

import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.OperationRecorder;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static org.assertj.core.api.Assertions.assertThat;

class SessionStoreMeterBinderTests {

	private final StoreSessionRepository repository = new StoreSessionRepository(
			new MemorySessionStore(2048, 0.75, Clock.systemUTC()), new JavaSessionSerializer(List.of(), null));

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void reportsWhatTheStoreHoldsAndDoes() {
		new SessionStoreMeterBinder(this.repository).bindTo(this.registry);
		for (int i = 0; i < 30; i++) {
			StoredSession session = this.repository.createSession();
			session.setAttribute("payload", "x".repeat(100));
			this.repository.save(session);
			this.repository.findById(session.getId());
		}
		this.repository.purgeExpiredSessions();
		assertThat(gauge(SessionMeterNames.STORE_SIZE)).isEqualTo(this.repository.getStatistics().usage().sessions());
		assertThat(gauge(SessionMeterNames.STORE_BYTES)).isPositive().isLessThanOrEqualTo(2048);
		assertThat(gauge(SessionMeterNames.STORE_MAX_BYTES)).isEqualTo(2048);
		assertThat(counter(SessionMeterNames.STORE_EVICTIONS)).isPositive();
		assertThat(counter(SessionMeterNames.STORE_PURGES)).isEqualTo(1);
		assertThat(counter(SessionMeterNames.STORE_EXPIRED)).isZero();
		assertThat(counter(SessionMeterNames.SERIALIZATION_FAILURES)).isZero();
		assertThat(this.registry.get(SessionMeterNames.STORE_OPERATIONS)
			.tags(SessionMeterNames.TAG_STORE, "memory", SessionMeterNames.TAG_OPERATION, "save")
			.timer()
			.count()).isEqualTo(30);
		assertThat(this.registry.get(SessionMeterNames.STORE_OPERATIONS).tag("operation", "find").timer().count())
			.isEqualTo(30);
	}

	/**
	 * A registry whose filters deny the operation timer gets a no-op timer: the repository is
	 * then given no recorder, so that its operations read no clock; a registry that records the
	 * timer gets it.
	 */
	@Test
	void leavesOperationsUntimedWhileNoRegistryRecordsTheTimer() {
		SessionStoreMeterBinder binder = new SessionStoreMeterBinder(this.repository);
		SimpleMeterRegistry denying = new SimpleMeterRegistry();
		denying.config().meterFilter(MeterFilter.denyNameStartsWith(SessionMeterNames.STORE_OPERATIONS));
		binder.bindTo(denying);
		assertThat(ReflectionTestUtils.getField(this.repository, "operationRecorder")).isSameAs(OperationRecorder.NONE);
		binder.bindTo(this.registry);
		assertThat(ReflectionTestUtils.getField(this.repository, "operationRecorder"))
			.isNotSameAs(OperationRecorder.NONE);
		this.repository.save(this.repository.createSession());
		assertThat(saves()).isEqualTo(1);
	}

	/**
	 * A composite registry with no registry in it yet (one added after startup) hands out a
	 * composite timer: the repository is timed, and the registry added later records.
	 */
	@Test
	void timesOperationsForARegistryAddedToACompositeAfterBinding() {
		CompositeMeterRegistry composite = new CompositeMeterRegistry();
		new SessionStoreMeterBinder(this.repository).bindTo(composite);
		composite.add(this.registry);
		this.repository.save(this.repository.createSession());
		assertThat(saves()).isEqualTo(1);
	}

	/**
	 * Saves that have nothing to write (a session unchanged but for an access time the save
	 * period lets go unwritten, or saved already by the same request) are neither timed nor
	 * counted: {@code operation=save} counts the saves that write.
	 */
	@Test
	void timesOnlyTheSavesThatWrite() {
		this.repository.setSavePeriod(Duration.ofMinutes(1));
		new SessionStoreMeterBinder(this.repository).bindTo(this.registry);
		StoredSession created = this.repository.createSession();
		this.repository.save(created);
		this.repository.save(created);
		StoredSession session = this.repository.findById(created.getId());
		session.setLastAccessedTime(Instant.now());
		this.repository.save(session);
		this.repository.save(session);
		assertThat(saves()).isEqualTo(1);
		session.setAttribute("count", 1);
		this.repository.save(session);
		this.repository.save(session);
		assertThat(saves()).isEqualTo(2);
	}

	@Test
	void countsTheSavesTheStoreFenced() {
		MemorySessionStore memory = new MemorySessionStore(2048, 0.75, Clock.systemUTC());
		SessionStore store = (SessionStore) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { SessionStore.class },
				(proxy, method, args) -> method.getName().equals("fencedSaves") ? 3L : method.invoke(memory, args));
		StoreSessionRepository fencing = new StoreSessionRepository(store, new JavaSessionSerializer(List.of(), null));
		new SessionStoreMeterBinder(fencing).bindTo(this.registry);
		assertThat(counter(SessionMeterNames.STORE_FENCED_SAVES)).isEqualTo(3);
	}

	private long saves() {
		return this.registry.get(SessionMeterNames.STORE_OPERATIONS)
			.tags(SessionMeterNames.TAG_OPERATION, "save")
			.timer()
			.count();
	}

	private double gauge(String name) {
		return this.registry.get(name).tag(SessionMeterNames.TAG_STORE, "memory").gauge().value();
	}

	private double counter(String name) {
		return this.registry.get(name).tag(SessionMeterNames.TAG_STORE, "memory").functionCounter().count();
	}

}
