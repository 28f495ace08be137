package dev.sessionstarter.benchmarks;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;
import dev.sessionstarter.store.redis.RedisCalls;
import dev.sessionstarter.store.redis.RedisKeys;
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

	private final SessionStore store;

	private RedisStoreAdapter(SessionStore store) {
		super(new StoreSessionRepository(store, new JavaSessionSerializer(List.of(), null)));
		this.store = store;
	}

	/**
	 * Create the adapter over the redis store alone.
	 * @param namespace the prefix of its keys
	 * @return the adapter
	 * @throws IOException if the server cannot be started
	 */
	static RedisStoreAdapter plain(String namespace) throws IOException {
		return new RedisStoreAdapter(store(namespace));
	}

	/**
	 * Create the adapter over a memoized store in validate coherence in front of the redis store.
	 * @param namespace the prefix of its keys
	 * @return the adapter
	 * @throws IOException if the server cannot be started
	 */
	static RedisStoreAdapter memoized(String namespace) throws IOException {
		return new RedisStoreAdapter(
				new MemoizedSessionStore(store(namespace), MemoizedStoreAdapter.cache(), Coherence.VALIDATE));
	}

	private static RedisSessionStore store(String namespace) throws IOException {
		LocalRedis redis = LocalRedis.acquire();
		return new RedisSessionStore(new RedisCalls(redis.connectionFactory(), TIMEOUT), new RedisKeys(namespace),
				EXPIRY_MARGIN, Clock.systemUTC());
	}

	@Override
	public long size() {
		return this.store.usage().sessions();
	}

	@Override
	public void close() {
		if (this.store instanceof MemoizedSessionStore memoized) {
			MemoizedStoreAdapter.printCacheStatistics(memoized);
			memoized.close();
		}
		LocalRedis.release();
	}

}
