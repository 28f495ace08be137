package dev.sessionstarter.store.redis;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sessionstarter.lock.SessionLock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Two {@link RedisSessionLockManager}s on one Redis and namespace, as two instances: a lock
 * excludes the other instance, its release wakes the other's waiter, a holder that stops renewing
 * loses the lock at the end of its lease, and a Redis that is gone fails a lock attempt within the
 * call's deadline.
 */
class RedisSessionLockManagerTests {

	private static final Duration LONG_WAIT = Duration.ofSeconds(30);

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private final RedisKeys keys = new RedisKeys("test-" + UUID.randomUUID());

	private final RedisSessionLockManager one = manager(Duration.ofSeconds(30));

	private final RedisSessionLockManager other = manager(Duration.ofSeconds(30));

	@AfterEach
	void closeManagers() {
		this.one.close();
		this.other.close();
	}

	@Test
	void aLockExcludesAnotherInstanceAndItsReleaseWakesThatInstancesWaiter() throws Exception {
		SessionLock held = this.one.tryLock("shared", Duration.ZERO);
		assertThat(held).isNotNull();
		assertThat(this.other.tryLock("shared", Duration.ZERO)).isNull();
		CompletableFuture<SessionLock> waiter = CompletableFuture.supplyAsync(() -> lock(this.other, "shared"));
		await().atMost(LONG_WAIT).until(() -> this.other.localEntries() == 1);
		held.release();
		SessionLock taken = waiter.get(LONG_WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(taken).isNotNull();
		assertThat(this.one.tryLock("shared", Duration.ZERO)).isNull();
		taken.release();
	}

	@Test
	void aReleaseWakesTheWaiterOfAnotherInstanceLongBeforeTheLeaseEnds() throws Exception {
		SessionLock held = this.one.tryLock("woken", Duration.ZERO);
		assertThat(held).isNotNull();
		CompletableFuture<SessionLock> waiter = CompletableFuture.supplyAsync(() -> {
			try {
				// a third of the 30s lease: only the release's message can give it the lock in time
				return this.other.tryLock("woken", Duration.ofSeconds(10));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return null;
			}
		});
		await().atMost(LONG_WAIT).until(() -> this.other.localEntries() == 1);
		held.release();
		SessionLock taken = waiter.get(LONG_WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(taken).as("woken by the release").isNotNull();
		taken.release();
	}

	@Test
	void aHolderThatStopsRenewingLosesTheLockAtTheEndOfItsLease() throws Exception {
		RedisSessionLockManager paused = manager(Duration.ofSeconds(1));
		try {
			paused.stopRenewing();
			SessionLock lost = paused.tryLock("stalled", Duration.ZERO);
			assertThat(lost).isNotNull();
			SessionLock taken = this.other.tryLock("stalled", LONG_WAIT);
			assertThat(taken).as("taken at the end of the holder's lease").isNotNull();
			lost.release();
			assertThat(this.one.tryLock("stalled", Duration.ZERO)).as("the late release leaves it held").isNull();
			taken.release();
		}
		finally {
			paused.close();
		}
	}

	@Test
	void aRenewedLockOutlivesItsLease() throws Exception {
		RedisSessionLockManager renewing = manager(Duration.ofMillis(600));
		try {
			SessionLock held = renewing.tryLock("long", Duration.ZERO);
			assertThat(held).isNotNull();
			assertThat(this.other.tryLock("long", Duration.ofSeconds(2))).as("held past three leases").isNull();
			held.release();
			SessionLock again = this.other.tryLock("long", Duration.ZERO);
			assertThat(again).isNotNull();
			again.release();
		}
		finally {
			renewing.close();
		}
	}

	@Test
	void aStoppedRedisFailsALockAttemptWithinTheDeadline() {
		RedisSessionLockManager manager = new RedisSessionLockManager(
				new RedisCalls(redis.connectionFactory(), Duration.ofMillis(500)), this.keys, new RedisHeldLocks(),
				Duration.ofSeconds(30));
		redis.stop();
		try {
			assertTimeoutPreemptively(Duration.ofSeconds(10),
					() -> assertThatExceptionOfType(RedisUnavailableException.class)
						.isThrownBy(() -> manager.tryLock("down", LONG_WAIT))
						.withMessageContaining("Redis at 127.0.0.1:" + redis.port()));
			assertThat(manager.heldLocks()).isZero();
			assertThat(manager.localEntries()).isZero();
		}
		finally {
			redis.start();
			manager.close();
		}
		await().atMost(Duration.ofSeconds(40)).ignoreExceptions().until(() -> {
			SessionLock lock = this.one.tryLock("down", Duration.ZERO);
			lock.release();
			return true;
		});
	}

	@Test
	void aLockCallThatAFrozenRedisRunsLateLeavesNoLockBehind() throws Exception {
		RedisSessionLockManager manager = new RedisSessionLockManager(
				new RedisCalls(redis.connectionFactory(), Duration.ofMillis(500)), this.keys, new RedisHeldLocks(),
				Duration.ofSeconds(30));
		try {
			redis.pause();
			try {
				assertThatExceptionOfType(RedisUnavailableException.class)
					.isThrownBy(() -> manager.tryLock("frozen", LONG_WAIT));
			}
			finally {
				redis.resume();
			}
			await("free long before the end of the lease").atMost(Duration.ofSeconds(10)).until(() -> {
				SessionLock lock = this.one.tryLock("frozen", Duration.ZERO);
				if (lock != null) {
					lock.release();
				}
				return lock != null;
			});
		}
		finally {
			manager.close();
		}
	}

	@Test
	void aRequestThatQueuedWhileRedisFailedACallFailsWithThatFailure() throws Exception {
		RedisSessionLockManager manager = new RedisSessionLockManager(
				new RedisCalls(redis.connectionFactory(), Duration.ofMillis(500)), this.keys, new RedisHeldLocks(),
				Duration.ofSeconds(30));
		try {
			SessionLock held = manager.tryLock("queued", Duration.ZERO);
			CompletableFuture<Throwable> failure = new CompletableFuture<>();
			Thread queued = new Thread(() -> {
				try {
					manager.tryLock("queued", LONG_WAIT);
					failure.complete(null);
				}
				catch (Throwable ex) {
					failure.complete(ex);
				}
			});
			queued.start();
			await().atMost(LONG_WAIT).until(() -> queued.getState() == Thread.State.TIMED_WAITING);
			redis.pause();
			try {
				assertThatExceptionOfType(RedisUnavailableException.class)
					.isThrownBy(() -> manager.tryLock("another", LONG_WAIT));
				held.release();
				assertThat(failure.get(LONG_WAIT.toSeconds(), TimeUnit.SECONDS))
					.as("the failure found while it queued, not one of its own call")
					.isInstanceOf(RedisUnavailableException.class)
					.cause()
					.isInstanceOf(RedisUnavailableException.class);
			}
			finally {
				redis.resume();
			}
		}
		finally {
			manager.close();
		}
	}

	private RedisSessionLockManager manager(Duration lease) {
		return new RedisSessionLockManager(new RedisCalls(redis.connectionFactory(), Duration.ofSeconds(10)),
				this.keys, new RedisHeldLocks(), lease);
	}

	private static SessionLock lock(RedisSessionLockManager manager, String id) {
		try {
			return manager.tryLock(id, LONG_WAIT);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
