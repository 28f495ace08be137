package dev.sessionstarter.store.redis;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SharedCommands} that need no Redis: what it does with a factory whose
 * connection has no commands to share.
 */
class SharedCommandsTests {

	/**
	 * Commands that belong to no stateful connection cannot be shared: each call then takes a
	 * connection of its own. It also made one on a connect thread first, every call (two
	 * connections and a thread a call); it now learns that once.
	 */
	@Test
	void commandsThatCannotBeSharedAreLearnedOnce() {
		AtomicInteger connections = new AtomicInteger();
		LettuceConnectionFactory factory = new LettuceConnectionFactory() {

			@Override
			public RedisConnection getConnection() {
				connections.incrementAndGet();
				return proxy(RedisConnection.class, proxy(RedisClusterAsyncCommands.class, null));
			}

		};
		SharedCommands commands = new SharedCommands(factory, Duration.ofSeconds(5),
				(operation, ex) -> new RedisUnavailableException("test", operation, ex));
		for (int i = 0; i < 3; i++) {
			try (SharedCommands.Lease lease = commands.lease("test")) {
				assertThat(lease.connection()).isNotNull();
			}
		}
		assertThat(connections).hasValue(4);
	}

	private static <T> T proxy(Class<T> type, Object nativeConnection) {
		return type.cast(Proxy.newProxyInstance(SharedCommandsTests.class.getClassLoader(), new Class<?>[] { type },
				(instance, method, arguments) -> switch (method.getName()) {
					case "getNativeConnection" -> nativeConnection;
					case "isClosed" -> false;
					default -> null;
				}));
	}

}
