package dev.sessionstarter.store.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.RedisConnection;

import dev.sessionstarter.store.MutableClock;
import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the redis store writes, read back with plain commands: the keys and fields the README
 * documents, the time to live, and how the expiry index follows sessions.
 */
class RedisSessionStoreTests {

	private static final long TIMEOUT = Duration.ofMinutes(30).toMillis();

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final List<String> expired = new CopyOnWriteArrayList<>();

	private String namespace;

	private RedisSessionStore store;

	@BeforeEach
	void createStore() {
		this.namespace = "layout-" + UUID.randomUUID();
		this.store = RedisStores.store(new RedisCalls(redis.connectionFactory(), Duration.ofSeconds(5)),
				this.namespace, this.clock);
		this.store.setRemovalListener((record, cause) -> {
			if (cause == RemovalCause.EXPIRED) {
				this.expired.add(record.id());
			}
		});
	}

	@Test
	void keepsASessionInOneHashWithItsFieldsAndATimeToLivePastItsExpiry() {
		this.store.save(create("s1", "alice", TIMEOUT));
		try (RedisConnection connection = redis.connectionFactory().getConnection()) {
			Map<String, String> hash = new LinkedHashMap<>();
			connection.hashCommands()
				.hGetAll(key(this.namespace + ":{s1}"))
				.forEach((field, value) -> hash.put(text(field), text(value)));
			assertThat(hash).containsOnlyKeys("created", "accessed", "timeout", "principal", "version", "attr:a");
			assertThat(hash).containsEntry("principal", "alice").containsEntry("version", "1")
				.containsEntry("timeout", Long.toString(TIMEOUT));
			Long ttl = connection.keyCommands().pTtl(key(this.namespace + ":{s1}"));
			assertThat(ttl).isGreaterThan(TIMEOUT).isLessThanOrEqualTo(TIMEOUT + Duration.ofMinutes(12).toMillis());
			assertThat(connection.setCommands().sMembers(key(this.namespace + ":principal:{alice}")))
				.extracting(RedisSessionStoreTests::text)
				.containsExactly("s1");
			assertThat(connection.zSetCommands().zScore(new RedisKeys(this.namespace).expiryBucket("s1"), key("s1")))
				.isEqualTo((double) (this.clock.millis() + TIMEOUT));
		}
	}

	@Test
	void aSessionThatNeverExpiresKeepsItsKeyForever() {
		this.store.save(create("forever", null, -1));
		try (RedisConnection connection = redis.connectionFactory().getConnection()) {
			assertThat(connection.keyCommands().pTtl(key(this.namespace + ":{forever}"))).isEqualTo(-1);
		}
		this.clock.advance(Duration.ofDays(3650));
		assertThat(this.store.purgeExpired(this.clock.instant())).isZero();
		assertThat(this.store.usage().sessions()).isOne();
	}

	@Test
	void aPurgeBeforeATouchedSessionExpiresKeepsItAndRemovesItOnceItHas() {
		this.store.save(create("touched", null, TIMEOUT));
		this.clock.advance(Duration.ofMinutes(20));
		this.store.save(new SessionChange("touched", null, false, 0, this.clock.millis(), null, false, null, Map.of()));
		this.clock.advance(Duration.ofMinutes(15));
		assertThat(this.store.purgeExpired(this.clock.instant())).isZero();
		assertThat(this.store.find("touched")).isNotNull();
		assertThat(this.store.usage().sessions()).isOne();
		this.clock.advance(Duration.ofMinutes(16));
		assertThat(this.store.purgeExpired(this.clock.instant())).isOne();
		assertThat(this.expired).containsExactly("touched");
		assertThat(this.store.usage().sessions()).isZero();
	}

	@Test
	void aShorterTimeoutMovesTheSessionInTheExpiryIndex() {
		this.store.save(create("shortened", null, TIMEOUT));
		this.store.save(new SessionChange("shortened", null, false, 0, null, 60_000L, false, null, Map.of()));
		this.clock.advance(Duration.ofMinutes(2));
		assertThat(this.store.purgeExpired(this.clock.instant())).isOne();
		assertThat(this.expired).containsExactly("shortened");
	}

	@Test
	void aRenamedSessionKeepsItsVersionsAndMovesItsKeys() {
		this.store.save(create("old", "dave", TIMEOUT));
		SessionRecord renamed = this.store.save(new SessionChange("new", "old", false, 0, null, null, false, null,
				Map.of("b", new byte[] { 2 })));
		assertThat(renamed.version()).isEqualTo(2);
		assertThat(renamed.attributeNames()).containsExactlyInAnyOrder("a", "b");
		assertThat(this.store.find("old")).isNull();
		assertThat(this.store.findByPrincipalName("dave")).extracting(SessionRecord::id).containsExactly("new");
		assertThat(this.store.usage().sessions()).isOne();
		assertThat(this.store.version("new")).isEqualTo(2);
	}

	@Test
	void forgetsIndexEntriesOfSessionsThatAreGone() {
		this.store.save(create("gone", "erin", TIMEOUT));
		try (RedisConnection connection = redis.connectionFactory().getConnection()) {
			connection.keyCommands().del(key(this.namespace + ":{gone}"));
			assertThat(this.store.findByPrincipalName("erin")).isEmpty();
			assertThat(connection.setCommands().sCard(key(this.namespace + ":principal:{erin}"))).isZero();
		}
		this.clock.advance(Duration.ofMinutes(31));
		assertThat(this.store.purgeExpired(this.clock.instant())).isZero();
		assertThat(this.expired).isEmpty();
		assertThat(this.store.usage().sessions()).isZero();
	}

	@Test
	void aSaveAppliedToTheCopyFoundIsWhatRedisHolds() {
		this.store.save(create("copy", "alice", TIMEOUT));
		this.store.find("copy");
		this.clock.advance(Duration.ofMinutes(1));
		Map<String, byte[]> attributes = new LinkedHashMap<>();
		attributes.put("a", null);
		attributes.put("b", new byte[] { 2 });
		SessionRecord saved = this.store.save(new SessionChange("copy", null, false, 0, this.clock.millis(), 60_000L,
				true, "bob", attributes));
		assertSameRecord(saved, otherInstance().find("copy"));
		assertThat(saved.attributeNames()).containsExactly("b");
		assertThat(saved.principalName()).isEqualTo("bob");
		assertThat(saved.version()).isEqualTo(2);
	}

	@Test
	void aSaveOfACurrentCopyCountsTheTimeToLiveFromTheAccessAndCanRemoveThePrincipal() {
		this.store.save(create("current", "alice", TIMEOUT));
		this.store.find("current");
		this.clock.advance(Duration.ofMinutes(10));
		SessionRecord saved = this.store.save(
				new SessionChange("current", null, false, 0, this.clock.millis(), null, true, null, Map.of()));
		assertSameRecord(saved, otherInstance().find("current"));
		assertThat(saved.principalName()).isNull();
		assertThat(saved.version()).isEqualTo(2);
		try (RedisConnection connection = redis.connectionFactory().getConnection()) {
			byte[] key = key(this.namespace + ":{current}");
			assertThat(connection.hashCommands().hExists(key, key("principal"))).isFalse();
			long expected = TIMEOUT + Duration.ofMinutes(12).toMillis();
			assertThat(connection.keyCommands().pTtl(key)).isGreaterThan(expected - 60_000).isLessThanOrEqualTo(expected);
		}
		assertThat(this.store.findByPrincipalName("alice")).isEmpty();
	}

	@Test
	void aSaveAfterAnotherInstanceSavedTheSessionKeepsBothChanges() {
		this.store.save(create("both", null, TIMEOUT));
		this.store.find("both");
		RedisSessionStore other = otherInstance();
		other.save(new SessionChange("both", null, false, 0, null, null, false, null, Map.of("b", new byte[] { 2 })));
		SessionRecord saved = this.store.save(
				new SessionChange("both", null, false, 0, null, null, false, null, Map.of("c", new byte[] { 3 })));
		assertThat(saved.attributeNames()).containsExactlyInAnyOrder("a", "b", "c");
		assertThat(saved.version()).isEqualTo(3);
		assertSameRecord(saved, other.find("both"));
	}

	@Test
	void aCacheWhoseCopyAnotherInstanceOutdatedSavesOverWhatRedisHolds() {
		MemoizedSessionStore cached = new MemoizedSessionStore(this.store,
				new MemorySessionStore(16L * 1024 * 1024, 1000, 0.9, this.clock), Coherence.VALIDATE);
		try {
			cached.save(create("cached", null, TIMEOUT));
			cached.save(new SessionChange("cached", null, false, 0, null, null, false, null,
					Map.of("b", new byte[] { 2 })));
			assertThat(cached.find("cached").version()).isEqualTo(2);
			otherInstance().save(new SessionChange("cached", null, false, 0, null, null, false, null,
					Map.of("c", new byte[] { 3 })));
			SessionRecord saved = cached.save(new SessionChange("cached", null, false, 0, null, null, false, null,
					Map.of("d", new byte[] { 4 })));
			assertThat(saved.attributeNames()).containsExactlyInAnyOrder("a", "b", "c", "d");
			assertSameRecord(saved, otherInstance().find("cached"));
			assertSameRecord(cached.find("cached"), otherInstance().find("cached"));
		}
		finally {
			cached.close();
		}
	}

	private RedisSessionStore otherInstance() {
		return RedisStores.store(new RedisCalls(redis.connectionFactory(), Duration.ofSeconds(5)), this.namespace,
				this.clock);
	}

	private static void assertSameRecord(SessionRecord actual, SessionRecord expected) {
		assertThat(actual).usingRecursiveComparison().ignoringFields("names", "values", "decodedBy")
			.isEqualTo(expected);
		Map<String, List<Byte>> actualAttributes = new LinkedHashMap<>();
		Map<String, List<Byte>> expectedAttributes = new LinkedHashMap<>();
		for (int i = 0; i < actual.attributeCount(); i++) {
			actualAttributes.put(actual.attributeName(i), bytes(actual.attributeValue(i)));
		}
		for (int i = 0; i < expected.attributeCount(); i++) {
			expectedAttributes.put(expected.attributeName(i), bytes(expected.attributeValue(i)));
		}
		assertThat(actualAttributes).isEqualTo(expectedAttributes);
	}

	private static List<Byte> bytes(byte[] value) {
		List<Byte> bytes = new ArrayList<>();
		for (byte b : value) {
			bytes.add(b);
		}
		return bytes;
	}

	private SessionChange create(String id, String principal, long timeout) {
		long now = this.clock.millis();
		return new SessionChange(id, null, true, now, now, timeout, principal != null, principal,
				Map.of("a", new byte[] { 1 }));
	}

	private static byte[] key(String key) {
		return key.getBytes(StandardCharsets.UTF_8);
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
