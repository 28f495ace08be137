package dev.sessionstarter.store.redis;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.lock.SessionLockManagerContractTests;

/**
 * The lock manager contract on {@link RedisSessionLockManager} over a standalone Redis, in a
 * namespace of its own. What it keeps per id is its local waiters and the lock keys in Redis,
 * both counted.
 */
class RedisSessionLockManagerContractTests extends SessionLockManagerContractTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private final RedisKeys keys = new RedisKeys("test-" + UUID.randomUUID());

	@Override
	protected SessionLockManager createManager() {
		return new RedisSessionLockManager(new RedisCalls(redis.connectionFactory(), Duration.ofSeconds(10)),
				this.keys, new RedisHeldLocks(), Duration.ofSeconds(30));
	}

	@Override
	protected long retained() {
		long lockKeys = redis.connectionFactory()
			.getConnection()
			.keyCommands()
			.keys(RedisKeys.bytes(this.keys.namespace() + ":lock:*"))
			.size();
		return ((RedisSessionLockManager) this.manager).localEntries() + lockKeys;
	}

	/**
	 * Ten thousand ids, since each costs two round trips to Redis.
	 */
	@Override
	protected int distinctIds() {
		return 10_000;
	}

	/**
	 * Five hundred acquisitions, since each costs two round trips to Redis.
	 */
	@Override
	protected int contendedAcquisitions() {
		return 500;
	}

	@AfterEach
	void closeManager() {
		((RedisSessionLockManager) this.manager).close();
	}

}
