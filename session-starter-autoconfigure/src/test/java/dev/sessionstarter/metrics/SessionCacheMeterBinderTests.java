package dev.sessionstarter.metrics;

import java.time.Clock;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static org.assertj.core.api.Assertions.assertThat;

class SessionCacheMeterBinderTests {

	private final MemoizedSessionStore store = new MemoizedSessionStore(
			new MemorySessionStore(1024 * 1024, 0.75, Clock.systemUTC()),
			new MemorySessionStore(1024 * 1024, 2, 0.5, Clock.systemUTC()), Coherence.VALIDATE);

	private final StoreSessionRepository repository = new StoreSessionRepository(this.store,
			new JavaSessionSerializer(List.of(), null));

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void countsHitsMissesAndEvictionsAndGaugesTheCache() {
		new SessionCacheMeterBinder(this.store).bindTo(this.registry);
		String first = saved();
		saved();
		saved();
		this.repository.findById(first);
		this.repository.findById(first);
		this.repository.findById("unknown");
		assertThat(counter("hit") + counter("miss")).isEqualTo(3);
		assertThat(counter("miss")).isEqualTo(this.store.cacheStatistics().misses()).isPositive();
		assertThat(this.registry.get(SessionMeterNames.CACHE_EVICTIONS).functionCounter().count())
			.isEqualTo(this.store.cacheStatistics().evictions())
			.isPositive();
		assertThat(this.registry.get(SessionMeterNames.CACHE_SIZE).gauge().value())
			.isEqualTo(this.store.cacheStatistics().sessions());
		assertThat(this.registry.get(SessionMeterNames.CACHE_BYTES).gauge().value())
			.isEqualTo(this.store.cacheStatistics().bytes());
		assertThat(this.registry.get(SessionMeterNames.CACHE_SIZE).gauge().getId().getTag("store")).isEqualTo("memoized");
	}

	private double counter(String result) {
		return this.registry.get(SessionMeterNames.CACHE_GETS).tag("result", result).functionCounter().count();
	}

	private String saved() {
		StoredSession session = this.repository.createSession();
		session.setAttribute("a", 1);
		this.repository.save(session);
		return session.getId();
	}

}
