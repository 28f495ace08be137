package dev.sessionstarter.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.session.autoconfigure.SessionAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.test.util.ReflectionTestUtils;

import dev.sessionstarter.actuate.health.SessionDaemonHealthIndicator;
import dev.sessionstarter.autoconfigure.metrics.SessionDaemonMetricsAutoConfiguration;
import dev.sessionstarter.autoconfigure.metrics.SessionStoreMetricsAutoConfiguration;
import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonHeldLocks;
import dev.sessionstarter.daemon.client.DaemonSessionLockManager;
import dev.sessionstarter.daemon.client.DaemonSessionStore;
import dev.sessionstarter.lock.MemorySessionLockManager;
import dev.sessionstarter.lock.SessionLockFilter;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;
import dev.sessionstarter.metrics.DaemonClientMeterBinder;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static dev.sessionstarter.autoconfigure.StartupFailures.failsNaming;
import static org.assertj.core.api.Assertions.assertThat;

class DaemonStoreConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SessionStoreAutoConfiguration.class, SessionAutoConfiguration.class,
				SessionLockAutoConfiguration.class, SessionStoreMetricsAutoConfiguration.class,
				SessionDaemonMetricsAutoConfiguration.class, HealthContributorAutoConfiguration.class,
				SessionDaemonHealthContributorAutoConfiguration.class))
		.withPropertyValues("sessions.store=daemon");

	@Test
	void usesTheDaemonStoreWhenSelected() {
		this.contextRunner.withPropertyValues("sessions.daemon.address=7171", "sessions.daemon.timeout=750ms",
				"sessions.daemon.pool-size=3")
			.run((context) -> {
				assertThat(context).hasSingleBean(DaemonSessionStore.class);
				assertThat(context).doesNotHaveBean(MemorySessionStore.class);
				DaemonClient client = context.getBean("sessionDaemonClient", DaemonClient.class);
				assertThat(client.getAddress()).hasToString("127.0.0.1:7171");
				assertThat(client.getTimeout()).isEqualTo(Duration.ofMillis(750));
				StoreSessionRepository repository = context.getBean(StoreSessionRepository.class);
				assertThat(repository.getStore()).isSameAs(context.getBean(DaemonSessionStore.class));
				assertThat(ReflectionTestUtils.getField(repository, "decodeOnLoad")).isEqualTo(true);
			});
	}

	@Test
	void connectsToTheDefaultPortWithoutAnAddress() {
		this.contextRunner.run((context) -> assertThat(context.getBean("sessionDaemonClient", DaemonClient.class)
			.getAddress()).hasToString("127.0.0.1:7070"));
	}

	@Test
	void locksRequestsInTheDaemonByDefault() {
		this.contextRunner.withPropertyValues("sessions.daemon.lock-lease=45s").run((context) -> {
			assertThat(context).hasSingleBean(DaemonSessionLockManager.class);
			assertThat(context).hasSingleBean(SessionLockFilter.class);
			assertThat(context.getBeansOfType(DaemonClient.class)).containsOnlyKeys("sessionDaemonClient",
					"sessionDaemonLockClient");
			DaemonSessionLockManager manager = context.getBean(DaemonSessionLockManager.class);
			assertThat(manager.getClient()).isSameAs(context.getBean("sessionDaemonLockClient"));
			assertThat(ReflectionTestUtils.getField(ReflectionTestUtils.getField(manager, "free"), "leaseMillis"))
				.isEqualTo(Duration.ofSeconds(45).toMillis());
			assertThat(ReflectionTestUtils.getField(ReflectionTestUtils.getField(manager, "waited"), "leaseMillis"))
				.isEqualTo(Duration.ofSeconds(45).toMillis());
			assertThat(context.getBean(DaemonSessionStore.class).getClient())
				.isSameAs(context.getBean("sessionDaemonClient"));
			assertThat(ReflectionTestUtils.getField(context.getBean(SessionDaemonHealthIndicator.class), "client"))
				.isSameAs(context.getBean("sessionDaemonClient"));
		});
	}

	@Test
	void locksInTheProcessWhenTheMemoryManagerIsChosen() {
		this.contextRunner.withPropertyValues("sessions.lock.manager=memory").run((context) -> {
			assertThat(context.getBean(SessionLockManager.class)).isInstanceOf(MemorySessionLockManager.class);
			assertThat(context.getBeansOfType(DaemonClient.class)).containsOnlyKeys("sessionDaemonClient");
		});
	}

	@Test
	void locksInTheDaemonForAnotherStoreWhenChosen() {
		this.contextRunner.withPropertyValues("sessions.store=memory", "sessions.lock.manager=daemon",
				"sessions.daemon.address=7272")
			.run((context) -> {
				assertThat(context).hasSingleBean(MemorySessionStore.class);
				assertThat(context).hasSingleBean(DaemonSessionLockManager.class);
				assertThat(context.getBeansOfType(DaemonClient.class)).containsOnlyKeys("sessionDaemonLockClient");
				assertThat(context).hasSingleBean(SessionDaemonHealthIndicator.class);
				assertThat(context).hasSingleBean(DaemonClientMeterBinder.class);
				assertThat(context.getBean(DaemonClient.class).getAddress()).hasToString("127.0.0.1:7272");
			});
	}

	@Test
	void frontsTheDaemonWithAMemoizedCacheInValidateCoherence() {
		this.contextRunner.withPropertyValues("sessions.store=memoized", "sessions.memoized.delegate=daemon")
			.run((context) -> {
				MemoizedSessionStore store = context.getBean(MemoizedSessionStore.class);
				assertThat(store.getDelegate()).isInstanceOf(DaemonSessionStore.class);
				assertThat(store.getCoherence()).isEqualTo(Coherence.VALIDATE);
				assertThat(((DaemonSessionStore) store.getDelegate()).getClient())
					.isSameAs(context.getBean("sessionDaemonClient"));
				assertThat(context.getBean(SessionLockManager.class)).isInstanceOf(DaemonSessionLockManager.class);
				assertThat(context).hasSingleBean(SessionDaemonHealthIndicator.class);
				assertThat(ReflectionTestUtils.getField(context.getBean(StoreSessionRepository.class), "decodeOnLoad"))
					.isEqualTo(true);
			});
	}

	@Test
	void failsWhenExclusiveCoherenceFrontsTheDaemon() {
		this.contextRunner
			.withPropertyValues("sessions.store=memoized", "sessions.memoized.delegate=daemon",
					"sessions.memoized.coherence=exclusive")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidSessionsPropertyException.class)
					.hasMessageContaining("sessions.memoized.coherence")
					.hasMessageContaining("delegate=daemon");
			});
	}

	@Test
	void startsWhileTheDaemonIsDown() {
		this.contextRunner.withPropertyValues("sessions.daemon.address=target/absent-daemon.sock").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean("sessionDaemonClient", DaemonClient.class).getAddress().isUnixSocket()).isTrue();
		});
	}

	@Test
	void registersTheHealthIndicatorAndMeters() {
		this.contextRunner.withPropertyValues("sessions.daemon.address=target/absent-daemon.sock").run((context) -> {
			assertThat(context).hasSingleBean(SessionDaemonHealthIndicator.class);
			assertThat(context).hasBean("sessionDaemonHealthIndicator");
			assertThat(context).hasSingleBean(DaemonClientMeterBinder.class);
			assertThat(context.getBean(SessionDaemonHealthIndicator.class).health().getStatus().getCode())
				.isEqualTo("DOWN");
		});
	}

	@Test
	void hasNoHealthIndicatorForOtherStores() {
		this.contextRunner.withPropertyValues("sessions.store=memory").run((context) -> {
			assertThat(context).doesNotHaveBean(SessionDaemonHealthIndicator.class);
			assertThat(context).doesNotHaveBean(DaemonClient.class);
			assertThat(context).doesNotHaveBean(DaemonClientMeterBinder.class);
		});
	}

	@Test
	void readsTheTokenFromTheTokenFile(@TempDir Path dir) throws Exception {
		Path tokenFile = Files.writeString(dir.resolve("token"), "s3cret\n");
		this.contextRunner.withPropertyValues("sessions.daemon.token-file=" + tokenFile)
			.run((context) -> assertThat(context.getBeansOfType(DaemonClient.class).values())
				.allSatisfy((client) -> assertThat(connectorToken(client)).isEqualTo("s3cret")));
	}

	private static Object connectorToken(DaemonClient client) {
		Object connector = ReflectionTestUtils.getField(ReflectionTestUtils.getField(client, "pool"), "connector");
		return ReflectionTestUtils.getField(connector, "token");
	}

	@Test
	void failsOnAnUnreadableTokenFile(@TempDir Path dir) {
		this.contextRunner.withPropertyValues("sessions.daemon.token-file=" + dir.resolve("missing"))
			.run(failsNaming("sessions.daemon.token-file"));
	}

	@Test
	void failsOnAnAddressThatIsNeitherAPortNorAPath() {
		this.contextRunner.withPropertyValues("sessions.daemon.address=70000")
			.run(failsNaming("sessions.daemon.address"));
	}

	@Test
	void failsOnAZeroTimeout() {
		this.contextRunner.withPropertyValues("sessions.daemon.timeout=0s").run(failsNaming("sessions.daemon.timeout"));
	}

	@Test
	void failsOnANegativeLockLease() {
		this.contextRunner.withPropertyValues("sessions.daemon.lock-lease=-1s")
			.run(failsNaming("sessions.daemon.lock-lease"));
	}

	@Test
	void failsOnANegativeLockRetention() {
		this.contextRunner.withPropertyValues("sessions.daemon.lock-retain=-1s")
			.run(failsNaming("sessions.daemon.lock-retain"));
	}

	@Test
	void failsOnALockRetentionShorterThanASecond() {
		this.contextRunner.withPropertyValues("sessions.store=memory", "sessions.lock.manager=daemon",
				"sessions.daemon.lock-retain=500ms")
			.run((context) -> {
				failsNaming("sessions.daemon.lock-retain").accept(context);
				assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("at least 1s");
			});
	}

	@Test
	void retainsRequestLocksForTenSecondsByDefault() {
		this.contextRunner.run((context) -> {
			DaemonHeldLocks heldLocks = context.getBean(DaemonHeldLocks.class);
			Object retained = ReflectionTestUtils.getField(heldLocks, "retained");
			assertThat(retained).isNotNull();
			assertThat(ReflectionTestUtils.getField(retained, "retainNanos")).isEqualTo(10_000_000_000L);
			assertThat(ReflectionTestUtils.getField(heldLocks, "notices")).isNotNull();
		});
	}

	@Test
	void retainsRequestLocksForTheRetentionSet() {
		this.contextRunner.withPropertyValues("sessions.daemon.lock-retain=30s").run((context) -> {
			Object retained = ReflectionTestUtils.getField(context.getBean(DaemonHeldLocks.class), "retained");
			assertThat(ReflectionTestUtils.getField(retained, "retainNanos")).isEqualTo(30_000_000_000L);
		});
	}

	@Test
	void releasesRequestLocksAtTheEndOfTheirRequestWithARetentionOfZero() {
		this.contextRunner.withPropertyValues("sessions.daemon.lock-retain=0")
			.run((context) -> assertThat(
					ReflectionTestUtils.getField(context.getBean(DaemonHeldLocks.class), "retained"))
				.isNull());
	}

	@Test
	void locksInTheDaemonForAnotherStoreWithoutRetainingThemByDefault() {
		this.contextRunner.withPropertyValues("sessions.store=memory", "sessions.lock.manager=daemon")
			.run((context) -> {
				assertThat(context).hasSingleBean(DaemonSessionLockManager.class);
				assertThat(context).doesNotHaveBean(DaemonHeldLocks.class);
			});
	}

	@Test
	void failsOnAPoolSizeOfZero() {
		this.contextRunner.withPropertyValues("sessions.daemon.pool-size=0")
			.run(failsNaming("sessions.daemon.pool-size"));
	}

}
