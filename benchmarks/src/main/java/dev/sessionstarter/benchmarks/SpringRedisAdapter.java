package dev.sessionstarter.benchmarks;

import java.io.IOException;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;
import org.springframework.session.data.redis.RedisSessionRepository;

/**
 * Spring Session's Redis repositories as {@code spring-session-data-redis} configures them
 * ({@code @EnableRedisHttpSession} and {@code @EnableRedisIndexedHttpSession}): a
 * {@link RedisTemplate} with string keys and hash keys and JDK-serialized values over the
 * {@link LocalRedis} every Redis implementation shares, the keys under a namespace of their own.
 * {@link RedisSessionRepository} loads a session with {@code HGETALL} and saves its changes with
 * {@code HMSET} and {@code PEXPIRE}; {@link RedisIndexedSessionRepository} also keeps the
 * expiry and principal indexes and a shadow key per session, and publishes a message when a
 * session is created. {@link #close()} stops the indexed repository's cleanup task and releases
 * the server.
 */
final class SpringRedisAdapter extends RepositoryAdapter<Session> {

	private final RedisTemplate<String, Object> template;

	private final String sessionKeys;

	private final @Nullable RedisIndexedSessionRepository indexed;

	private SpringRedisAdapter(SessionRepository<Session> repository, RedisTemplate<String, Object> template,
			String namespace, @Nullable RedisIndexedSessionRepository indexed) {
		super(repository);
		this.template = template;
		this.sessionKeys = namespace + ":sessions:";
		this.indexed = indexed;
	}

	/**
	 * Create the adapter over a {@link RedisSessionRepository}.
	 * @param namespace its key namespace
	 * @return the adapter
	 * @throws IOException if the server cannot be started
	 */
	static SpringRedisAdapter plain(String namespace) throws IOException {
		RedisTemplate<String, Object> template = template();
		RedisSessionRepository repository = new RedisSessionRepository(template);
		repository.setRedisKeyNamespace(namespace);
		return new SpringRedisAdapter(sessionRepository(repository), template, namespace, null);
	}

	/**
	 * Create the adapter over a {@link RedisIndexedSessionRepository}, initialized as its
	 * application context would.
	 * @param namespace its key namespace
	 * @return the adapter
	 * @throws IOException if the server cannot be started
	 */
	static SpringRedisAdapter indexed(String namespace) throws IOException {
		RedisTemplate<String, Object> template = template();
		RedisIndexedSessionRepository repository = new RedisIndexedSessionRepository(template);
		repository.setRedisKeyNamespace(namespace);
		repository.afterPropertiesSet();
		return new SpringRedisAdapter(sessionRepository(repository), template, namespace, repository);
	}

	private static RedisTemplate<String, Object> template() throws IOException {
		RedisTemplate<String, Object> template = new RedisTemplate<>();
		template.setConnectionFactory(LocalRedis.acquire().connectionFactory());
		template.setKeySerializer(RedisSerializer.string());
		template.setHashKeySerializer(RedisSerializer.string());
		template.afterPropertiesSet();
		return template;
	}

	/**
	 * View a repository through {@code Session}: the adapter only ever saves sessions the same
	 * repository created.
	 */
	@SuppressWarnings("unchecked")
	private static SessionRepository<Session> sessionRepository(SessionRepository<? extends Session> repository) {
		return (SessionRepository<Session>) repository;
	}

	/**
	 * Count the session hashes by a scan of the namespace, leaving out the indexed repository's
	 * shadow keys ({@code sessions:expires:<id>}).
	 */
	@Override
	public long size() {
		long count = 0;
		ScanOptions options = ScanOptions.scanOptions().match(this.sessionKeys + "*").count(1000).build();
		try (Cursor<String> keys = this.template.scan(options)) {
			while (keys.hasNext()) {
				if (!keys.next().startsWith(this.sessionKeys + "expires:")) {
					count++;
				}
			}
		}
		return count;
	}

	@Override
	public void close() {
		if (this.indexed != null) {
			this.indexed.destroy();
		}
		LocalRedis.release();
	}

}
