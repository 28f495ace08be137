package dev.sessionstarter.daemon;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A periodic task of the daemon that fails, even by an {@link Error}, is logged and keeps
 * running; repeated failures are logged a bounded number of times.
 */
class MaintenanceTests {

	private final List<String> log = new CopyOnWriteArrayList<>();

	@Test
	void aTaskThatThrowsOutOfMemoryErrorIsLoggedAndRunsAgain() {
		Maintenance maintenance = new Maintenance((level, message) -> this.log.add(level + " " + message),
				Duration.ofMinutes(1));
		AtomicInteger runs = new AtomicInteger();
		maintenance.every("The flush", Duration.ofMillis(1), () -> {
			if (runs.incrementAndGet() <= 50) {
				throw new OutOfMemoryError("Java heap space");
			}
		});
		await("runs after the failures").atMost(Duration.ofSeconds(30)).until(() -> runs.get() > 60);
		assertThat(maintenance.stop(Duration.ofSeconds(10))).isTrue();
		assertThat(this.log).first().asString()
			.startsWith("ERROR The flush failed: java.lang.OutOfMemoryError: Java heap space (1 failed runs");
		assertThat(this.log).as("50 failures within a minute are logged once, the recovery once").hasSize(2);
		assertThat(this.log.get(1)).isEqualTo("INFO The flush works again after 50 failed runs");
	}

	@Test
	void aRuntimeExceptionDoesNotStopTheTaskEither() {
		Maintenance maintenance = new Maintenance((level, message) -> this.log.add(level + " " + message),
				Duration.ofMinutes(1));
		AtomicInteger runs = new AtomicInteger();
		maintenance.every("The purge", Duration.ofMillis(1), () -> {
			runs.incrementAndGet();
			throw new IllegalStateException("broken");
		});
		await("runs after the failures").atMost(Duration.ofSeconds(30)).until(() -> runs.get() > 10);
		assertThat(maintenance.stop(Duration.ofSeconds(10))).isTrue();
		assertThat(this.log).hasSize(1);
		assertThat(this.log.get(0)).contains("The purge failed: java.lang.IllegalStateException: broken");
	}

}
