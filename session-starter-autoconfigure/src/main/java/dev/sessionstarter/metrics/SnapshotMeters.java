package dev.sessionstarter.metrics;

import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * Registers gauges and function counters that read one figure of a statistics snapshot, taken
 * from its owner each time the registry reads the meter. The owner is the meters' state object,
 * so it is held as Micrometer holds gauge state (weakly), as before by each binder.
 *
 * @param <T> the owner of the statistics
 * @param <S> the statistics snapshot
 */
final class SnapshotMeters<T, S> {

	private final MeterRegistry registry;

	private final T owner;

	private final Function<T, S> snapshot;

	SnapshotMeters(MeterRegistry registry, T owner, Function<T, S> snapshot) {
		this.registry = registry;
		this.owner = owner;
		this.snapshot = snapshot;
	}

	void gauge(String name, Tags tags, String unit, String description, ToDoubleFunction<S> value) {
		Gauge.builder(name, this.owner, (owner) -> value.applyAsDouble(this.snapshot.apply(owner)))
			.tags(tags)
			.baseUnit(unit)
			.description(description)
			.register(this.registry);
	}

	void counter(String name, Tags tags, String description, ToDoubleFunction<S> value) {
		FunctionCounter.builder(name, this.owner, (owner) -> value.applyAsDouble(this.snapshot.apply(owner)))
			.tags(tags)
			.description(description)
			.register(this.registry);
	}

}
