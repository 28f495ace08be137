package dev.sessionstarter.store.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The factory's shared connection, reset by Spring ({@code resetConnection}, as its validation
 * or stop does): the next calls, many at once, make it again once, and all go on with it.
 * Counted with Redis's {@code total_connections_received}.
 */
class SharedConnectionResetTests {

	private static final Pattern RECEIVED = Pattern.compile("total_connections_received:(\\d+)");

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	@Test
	void aResetSharedConnectionIsMadeAgainOnceForCallsAtOnce() throws Exception {
		LettuceConnectionFactory factory = redis.newConnectionFactory();
		ExecutorService callers = Executors.newFixedThreadPool(8);
		try {
			RedisSessionStore store = RedisStores.store(new RedisCalls(factory, Duration.ofSeconds(5)),
					Clock.systemUTC());
			SessionRecord saved = store.save(create("reset"));
			factory.resetConnection();
			long before = received();
			CountDownLatch go = new CountDownLatch(1);
			List<CompletableFuture<SessionRecord>> finds = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				finds.add(CompletableFuture.supplyAsync(() -> {
					try {
						go.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					return store.find(saved.id());
				}, callers));
			}
			go.countDown();
			for (CompletableFuture<SessionRecord> find : finds) {
				assertThat(find.get(60, TimeUnit.SECONDS)).isNotNull();
			}
			// the second INFO's own redis-cli connection, and the shared connection made again
			assertThat(received() - before).isEqualTo(2);
		}
		finally {
			callers.shutdownNow();
			factory.destroy();
		}
	}

	private static long received() {
		Matcher matcher = RECEIVED.matcher(RedisServer.cli("-p", Integer.toString(redis.port()), "info", "stats"));
		assertThat(matcher.find()).isTrue();
		return Long.parseLong(matcher.group(1));
	}

	private static SessionChange create(String id) {
		long now = System.currentTimeMillis();
		return new SessionChange(id, null, true, now, now, 1_800_000L, false, null, Map.of("a", new byte[] { 1 }));
	}

}
