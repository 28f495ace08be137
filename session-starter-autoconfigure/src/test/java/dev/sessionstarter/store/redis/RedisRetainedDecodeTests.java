package dev.sessionstarter.store.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.session.FindByIndexNameSessionRepository;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.serialization.SessionSerializer;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session decoded in full once is not decoded in full again by the requests that follow in
 * this process, whether served from a retained lock's copy or from a memoized cache: only the
 * attribute a request reads is decoded.
 */
class RedisRetainedDecodeTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private final String namespace = "decode-" + UUID.randomUUID();

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void aReturningRequestDecodesOnlyWhatItReads(boolean memoized) throws Exception {
		AtomicInteger decoded = new AtomicInteger();
		SessionSerializer java = new JavaSessionSerializer(List.of(), null);
		SessionSerializer counting = new SessionSerializer() {

			@Override
			public byte[] serialize(Object value) {
				return java.serialize(value);
			}

			@Override
			public Object deserialize(byte[] bytes) {
				decoded.incrementAndGet();
				return java.deserialize(bytes);
			}

		};
		RedisCalls calls = new RedisCalls(redis.connectionFactory(), Duration.ofSeconds(10));
		RedisKeys keys = new RedisKeys(this.namespace);
		RedisHeldLocks held = new RedisHeldLocks();
		RedisSessionLockManager locks = new RedisSessionLockManager(calls, keys, held, Duration.ofSeconds(30),
				Duration.ofSeconds(60));
		RedisSessionStore redisStore = new RedisSessionStore(calls, keys, Duration.ofMinutes(12), Clock.systemUTC(),
				held);
		SessionStore store = memoized ? new MemoizedSessionStore(redisStore,
				new MemorySessionStore(16L * 1024 * 1024, 1000, 0.9, Clock.systemUTC()), Coherence.VALIDATE)
				: redisStore;
		StoreSessionRepository repository = new StoreSessionRepository(store, counting);
		try {
			StoredSession session = repository.createSession();
			session.setAttribute("count", 0);
			session.setAttribute("userName", "user-1");
			session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "user-1");
			session.setAttribute("cart", new ArrayList<>(List.of("SKU-1", "SKU-2", "SKU-3")));
			session.setAttribute("lastPage", "/catalog");
			repository.save(session);
			String id = session.getId();
			for (int i = 1; i <= 5; i++) {
				decoded.set(0);
				try (SessionLock lock = locks.tryLock(id, Duration.ofSeconds(10))) {
					StoredSession found = repository.findById(id);
					found.setLastAccessedTime(Instant.now());
					int next = found.<Integer>getAttribute("count") + 1;
					found.setAttribute("count", next);
					repository.save(found);
					assertThat(next).isEqualTo(i);
				}
				if (i > 2) {
					// the first request decodes the session the lock call loaded; memoized, the second
					// decodes the record its first saved, which it did not load
					assertThat(decoded).as("values decoded by request " + i).hasValue(1);
				}
			}
		}
		finally {
			locks.close();
			if (store instanceof MemoizedSessionStore cache) {
				cache.close();
			}
		}
	}

}
