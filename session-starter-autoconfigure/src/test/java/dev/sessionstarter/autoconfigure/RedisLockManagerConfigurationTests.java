package dev.sessionstarter.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.memory.MemorySessionStore;
import dev.sessionstarter.store.redis.RedisServer;
import dev.sessionstarter.store.redis.RedisSessionLockManager;

import static dev.sessionstarter.autoconfigure.StartupFailures.failsNaming;
import static org.assertj.core.api.Assertions.assertThat;

class RedisLockManagerConfigurationTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private final WebApplicationContextRunner contextRunner = RedisApplications.runner()
		.withPropertyValues("sessions.lock.manager=redis", "spring.data.redis.port=" + redis.port());

	@Test
	void locksInRedisWithAnyStore() {
		this.contextRunner.withPropertyValues("sessions.store=memory").run((context) -> {
			assertThat(context).hasSingleBean(MemorySessionStore.class);
			assertThat(context).hasSingleBean(RedisSessionLockManager.class);
			SessionLockManager manager = context.getBean(SessionLockManager.class);
			assertThat(manager.type()).isEqualTo("redis");
			try (SessionLock lock = manager.tryLock("configured", Duration.ZERO)) {
				assertThat(lock).isNotNull();
				assertThat(manager.heldLocks()).isOne();
			}
			assertThat(manager.heldLocks()).isZero();
		});
	}

	@Test
	void rejectsALeaseOfZero() {
		this.contextRunner.withPropertyValues("sessions.store=memory", "sessions.redis.lock-lease=0s")
			.run(failsNaming("sessions.redis.lock-lease"));
	}

	@Test
	void rejectsANegativeRetention() {
		this.contextRunner.withPropertyValues("sessions.store=memory", "sessions.redis.lock-retain=-1s")
			.run(failsNaming("sessions.redis.lock-retain"));
	}

	@Test
	void rejectsARetentionShorterThanASecond() {
		this.contextRunner.withPropertyValues("sessions.store=memory", "sessions.redis.lock-retain=500ms")
			.run((context) -> {
				failsNaming("sessions.redis.lock-retain").accept(context);
				assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("at least 1s");
			});
	}

	@Test
	void startsWithARetention() {
		this.contextRunner.withPropertyValues("sessions.store=memory", "sessions.redis.lock-retain=5s")
			.run((context) -> {
				SessionLockManager manager = context.getBean(SessionLockManager.class);
				manager.tryLock("retained", Duration.ZERO).release();
				try (SessionLock lock = manager.tryLock("retained", Duration.ZERO)) {
					assertThat(lock).isNotNull();
				}
			});
	}

	@Test
	void stopsStartupNamingTheLockManagerWithoutSpringDataRedis() {
		this.contextRunner.withPropertyValues("sessions.store=memory")
			.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.run((context) -> {
				failsNaming("sessions.lock.manager").accept(context);
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("org.springframework.boot:spring-boot-starter-data-redis");
			});
	}

}
