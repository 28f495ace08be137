package dev.sessionstarter.benchmarks;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;
import dev.sessionstarter.store.redis.RedisCalls;
import dev.sessionstarter.store.redis.RedisHeldLocks;
import dev.sessionstarter.store.redis.RedisKeys;
import dev.sessionstarter.store.redis.RedisSessionLockManager;
import dev.sessionstarter.store.redis.RedisSessionStore;

/**
 * Our {@code redis} store as {@code sessions.store=redis} configures it with its defaults (a
 * {@link StoreSessionRepository} over a {@link RedisSessionStore}, 2s deadline, keys kept two
 * purge intervals of 6 minutes past expiry, JDK serializer, decode on load) on the
 * {@link LocalRedis} every Redis implementation shares, under a namespace of its own; or, with
 * {@link #memoized(String)}, the {@code memoized} store in validate coherence in front of it
 * ({@code sessions.memoized.delegate=redis}, the cache with its default bounds): a read checks
 * the session's version ({@code HGET}) and is served from the cache when it is current.
 * {@link #close()} releases the server.
 */
final class RedisStoreAdapter extends RepositoryAdapter<StoredSession> {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final Duration EXPIRY_MARGIN = Duration.ofMinutes(12);

	private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration LOCK_LEASE = Duration.ofSeconds(30);

	/**
	 * The retention of the retained-lock variants ({@code sessions.redis.lock-retain}): 30s, so
	 * that a session of the 10,000 returns within the trusted half of it (the steady state of a
	 * user's burst of requests), or {@code -Dbenchmark.redis.retain=5s} (JMH:
	 * {@code -jvmArgsAppend}); with 5s, about a fifth of the request cycles find it no longer
	 * trusted and take the lock in Redis.
	 */
	static final Duration RETAIN = Duration.parse("PT" + System.getProperty("benchmark.redis.retain", "30s"));

	private final SessionStore store;

	private final @Nullable RedisSessionLockManager locks;

	private RedisStoreAdapter(SessionStore store, @Nullable RedisSessionLockManager locks) {
		super(new StoreSessionRepository(store, new JavaSessionSerializer(List.of(), null)));
		this.store = store;
		this.locks = locks;
	}

	/**
	 * Create the adapter over the redis store alone.
	 * @param namespace the prefix of its keys
	 * @return the adapter
	 * @throws IOException if the server cannot be started
	 */
	static RedisStoreAdapter plain(String namespace) throws IOException {
		return new RedisStoreAdapter(store(namespace, new RedisHeldLocks()), null);
	}

	/**
	 * Create the adapter over the redis store with its native Redis request locks
	 * ({@code sessions.lock.manager} left to its default: {@code redis}, 30s lease, 5s timeout),
	 * each request cycle within its session's lock: the lock call answers the session, and the
	 * save releases the lock.
	 * @param namespace the prefix of its keys
	 * @param memoized whether a memoized store in validate coherence fronts the redis store
	 * @return the adapter
	 * @throws IOException if the server cannot be started
	 */
	static RedisStoreAdapter locked(String namespace, boolean memoized) throws IOException {
		return locked(namespace, memoized, Duration.ZERO);
	}

	/**
	 * Create the adapter over the redis store with its native Redis request locks, retained by
	 * its saves for a while ({@code sessions.redis.lock-retain}).
	 * @param namespace the prefix of its keys
	 * @param memoized whether a memoized store in validate coherence fronts the redis store
	 * @param retain how long a save retains the lock, or zero to release it
	 * @return the adapter
	 * @throws IOException if the server cannot be started
	 */
	static RedisStoreAdapter locked(String namespace, boolean memoized, Duration retain) throws IOException {
		RedisHeldLocks held = new RedisHeldLocks();
		RedisSessionStore redisStore = store(namespace, held);
		SessionStore store = memoized
				? new MemoizedSessionStore(redisStore, MemoizedStoreAdapter.cache(), Coherence.VALIDATE) : redisStore;
		RedisSessionLockManager locks = new RedisSessionLockManager(
				new RedisCalls(LocalRedis.acquire().connectionFactory(), TIMEOUT), new RedisKeys(namespace), held,
				LOCK_LEASE, retain);
		return new RedisStoreAdapter(store, locks);
	}

	/**
	 * Create the adapter over a memoized store in validate coherence in front of the redis store.
	 * @param namespace the prefix of its keys
	 * @return the adapter
	 * @throws IOException if the server cannot be started
	 */
	static RedisStoreAdapter memoized(String namespace) throws IOException {
		return new RedisStoreAdapter(new MemoizedSessionStore(store(namespace, new RedisHeldLocks()),
				MemoizedStoreAdapter.cache(), Coherence.VALIDATE), null);
	}

	private static RedisSessionStore store(String namespace, RedisHeldLocks held) throws IOException {
		LocalRedis redis = LocalRedis.acquire();
		return new RedisSessionStore(new RedisCalls(redis.connectionFactory(), TIMEOUT), new RedisKeys(namespace),
				EXPIRY_MARGIN, Clock.systemUTC(), held);
	}

	@Override
	protected RequestLock lock(String id) {
		if (this.locks == null) {
			return RequestLock.NONE;
		}
		try {
			SessionLock lock = this.locks.tryLock(id, LOCK_TIMEOUT);
			if (lock == null) {
				throw new IllegalStateException("The request lock of session " + id + " was not free in time");
			}
			return lock::release;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public long size() {
		return this.store.usage().sessions();
	}

	@Override
	public void close() {
		if (this.locks != null) {
			this.locks.close();
			LocalRedis.release();
		}
		if (this.store instanceof MemoizedSessionStore memoized) {
			MemoizedStoreAdapter.printCacheStatistics(memoized);
			memoized.close();
		}
		LocalRedis.release();
	}

}
