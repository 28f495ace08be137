package dev.sessionstarter.metrics;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.noop.NoopTimer;

import org.springframework.util.Assert;

import dev.sessionstarter.store.StoreOperation;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoreStatistics;

/**
 * Binds the meters of a {@link StoreSessionRepository} (see {@link SessionMeterNames}) to a
 * registry: gauges and counters read the repository's statistics when scraped, and the
 * operation timer is fed by the repository as operations complete.
 */
public class SessionStoreMeterBinder implements MeterBinder {

	private final StoreSessionRepository repository;

	private final List<Map<StoreOperation, Timer>> timers = new CopyOnWriteArrayList<>();

	/**
	 * Create a binder; once bound to a registry that records its operation timer (one that
	 * does not deny it), the repository's operation recorder is set to this binder's timers.
	 * @param repository the repository
	 */
	public SessionStoreMeterBinder(StoreSessionRepository repository) {
		Assert.notNull(repository, "'repository' must not be null");
		this.repository = repository;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		SnapshotMeters<StoreSessionRepository, StoreStatistics> meters = new SnapshotMeters<>(registry,
				this.repository, StoreSessionRepository::getStatistics);
		StoreStatistics initial = this.repository.getStatistics();
		Tags tags = Tags.of(SessionMeterNames.TAG_STORE, initial.store());
		meters.gauge(SessionMeterNames.STORE_SIZE, tags, "sessions", "Sessions held",
				(stats) -> stats.usage().sessions());
		meters.gauge(SessionMeterNames.STORE_BYTES, tags, "bytes", "Bytes held",
				(stats) -> stats.usage().bytes());
		if (initial.usage().maxBytes() >= 0) {
			meters.gauge(SessionMeterNames.STORE_MAX_BYTES, tags, "bytes", "Most bytes the store may hold",
					(stats) -> stats.usage().maxBytes());
		}
		meters.counter(SessionMeterNames.STORE_PURGES, tags, "Purge runs", StoreStatistics::purges);
		meters.counter(SessionMeterNames.STORE_EXPIRED, tags, "Sessions removed because they expired",
				StoreStatistics::expired);
		meters.counter(SessionMeterNames.STORE_EVICTIONS, tags, "Sessions evicted to stay within the size bound",
				StoreStatistics::evicted);
		meters.counter(SessionMeterNames.STORE_QUARANTINED, tags,
				"Unreadable stored sessions moved aside", StoreStatistics::quarantined);
		meters.counter(SessionMeterNames.STORE_OVERSIZED, tags,
				"Saves refused because the session would be over sessions.max-session-size",
				StoreStatistics::oversized);
		meters.counter(SessionMeterNames.STORE_FENCED_SAVES, tags,
				"Saves refused because the request lock they were made under had been lost",
				StoreStatistics::fencedSaves);
		meters.counter(SessionMeterNames.SERIALIZATION_FAILURES, tags,
				"Attribute values that could not be decoded", StoreStatistics::serializationFailures);
		Map<StoreOperation, Timer> operationTimers = new EnumMap<>(StoreOperation.class);
		for (StoreOperation operation : StoreOperation.values()) {
			operationTimers.put(operation, Timer.builder(SessionMeterNames.STORE_OPERATIONS)
				.description("Session store operations")
				.tags(tags)
				.tag(SessionMeterNames.TAG_OPERATION, operation.tag())
				.register(registry));
		}
		if (operationTimers.values().stream().anyMatch((timer) -> !(timer instanceof NoopTimer))) {
			// a registry whose filters deny the timer gets no-op timers: operations stay untimed
			this.timers.add(operationTimers);
			this.repository.setOperationRecorder(this::record);
		}
	}

	private void record(StoreOperation operation, long nanos) {
		for (Map<StoreOperation, Timer> operationTimers : this.timers) {
			operationTimers.get(operation).record(nanos, TimeUnit.NANOSECONDS);
		}
	}

}
