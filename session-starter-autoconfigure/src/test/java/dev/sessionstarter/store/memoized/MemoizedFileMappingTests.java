package dev.sessionstarter.store.memoized;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sessionstarter.Closeables;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.serialization.SessionSerializer;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.file.FileSessionLockManager;
import dev.sessionstarter.store.file.FileSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static dev.sessionstarter.store.TestSessionChanges.create;
import static dev.sessionstarter.store.TestSessionChanges.set;
import static dev.sessionstarter.store.TestSessionChanges.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session files a memoized store keeps mapped over the file store: released when an id
 * leaves the cache, and showing another store's writes in place, by a larger file, or by a
 * delete.
 */
class MemoizedFileMappingTests {

	@TempDir
	Path dir;

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@ParameterizedTest
	@EnumSource(Coherence.class)
	void cachedSessionIsDecodedOnceNotOnEveryRequest(Coherence coherence) {
		FileSessionStore files = fileStore();
		MemoizedSessionStore store = memoized(files, cache(), coherence);
		AtomicInteger decoded = new AtomicInteger();
		JavaSessionSerializer java = new JavaSessionSerializer(List.of(), null);
		StoreSessionRepository repository = new StoreSessionRepository(store, new SessionSerializer() {

			@Override
			public byte[] serialize(Object value) {
				return java.serialize(value);
			}

			@Override
			public Object deserialize(byte[] bytes) {
				decoded.incrementAndGet();
				return java.deserialize(bytes);
			}

		});
		repository.setDecodeOnLoad(true);
		StoredSession session = repository.createSession();
		session.setAttribute("name", "alice");
		session.setAttribute("cart", new ArrayList<>(List.of("book", "pen")));
		repository.save(session);
		for (int i = 0; i < 3; i++) {
			StoredSession loaded = repository.findById(session.getId());
			loaded.setAttribute("visits", i);
			repository.save(loaded);
		}
		decoded.set(0);

		StoredSession loaded = repository.findById(session.getId());

		assertThat(decoded).as("values decoded by a cache hit").hasValue(0);
		assertThat((String) loaded.getAttribute("name")).isEqualTo("alice");
		assertThat(decoded).hasValue(1);
	}

	@ParameterizedTest
	@EnumSource(Coherence.class)
	void sessionIsMappedFromItsSecondSaveOn(Coherence coherence) {
		FileSessionStore files = fileStore();
		MemoizedSessionStore store = memoized(files, cache(), coherence);
		store.save(create("once"));
		store.save(create("twice"));
		assertThat(MemoizedTestSupport.mappings(files)).as("after the creating saves").isZero();

		store.save(set("twice", "n", "2"));

		assertThat(MemoizedTestSupport.mappings(files)).isEqualTo(1);
		assertThat(text(store.find("twice"), "n")).isEqualTo("2");
		assertThat(store.find("once")).isNotNull();
	}

	@ParameterizedTest
	@EnumSource(Coherence.class)
	void mappingsAreReleasedWhenSessionsAreEvictedDeletedOrTheStoreIsClosed(Coherence coherence) {
		FileSessionStore files = fileStore();
		MemorySessionStore cache = new MemorySessionStore(64L * 1024 * 1024, 3, 0.5, Clock.systemUTC());
		MemoizedSessionStore store = memoized(files, cache, coherence);
		for (int i = 0; i < 10; i++) {
			String id = "session-" + i;
			store.save(create(id));
			assertThat(store.find(id)).isNotNull();
			store.save(set(id, "n", Integer.toString(i)));
			assertThat(MemoizedTestSupport.mappings(files)).as("mappings after %s", id)
				.isLessThanOrEqualTo((int) cache.usage().sessions());
		}
		assertThat(cache.usage().sessions()).isLessThanOrEqualTo(3);
		List<String> cached = MemoizedTestSupport.ids(cache);
		assertThat(cached).isNotEmpty();
		for (String id : cached) {
			assertThat(store.find(id)).isNotNull();
		}
		int before = MemoizedTestSupport.mappings(files);
		assertThat(before).as("one mapping per cached session").isEqualTo(cached.size());
		assertThat(store.delete(cached.get(0))).isNotNull();
		assertThat(MemoizedTestSupport.mappings(files)).isLessThan(before)
			.isLessThanOrEqualTo((int) cache.usage().sessions());
		for (int i = 0; i < 10; i++) {
			String id = "session-" + i;
			if (!id.equals(cached.get(0))) {
				assertThat(text(store.find(id), "n")).isEqualTo(Integer.toString(i));
			}
		}
		store.close();
		assertThat(MemoizedTestSupport.mappings(files)).isZero();
	}

	@Test
	void cachedSessionShowsAnotherStoresChangesInPlaceByGrowthAndByDelete() {
		FileSessionStore files = fileStore();
		MemorySessionStore cache = cache();
		MemoizedSessionStore a = memoized(files, cache, Coherence.VALIDATE);
		FileSessionStore b = fileStore();
		a.save(create("one"));
		assertThat(a.find("one").version()).isEqualTo(1);
		assertThat(MemoizedTestSupport.ids(cache)).contains("one");

		b.save(set("one", "b", "in-place"));
		SessionRecord seen = a.find("one");
		assertThat(seen.version()).isEqualTo(2);
		assertThat(text(seen, "b")).isEqualTo("in-place");

		b.save(set("one", "big", "z".repeat(8192)));
		seen = a.find("one");
		assertThat(seen.version()).isEqualTo(3);
		assertThat(text(seen, "big")).hasSize(8192);

		SessionRecord saved = a.save(set("one", "a", "from-a"));
		assertThat(saved.version()).isEqualTo(4);
		SessionRecord seenByB = b.find("one");
		assertThat(seenByB.version()).isEqualTo(4);
		assertThat(text(seenByB, "a")).isEqualTo("from-a");
		assertThat(text(seenByB, "b")).isEqualTo("in-place");
		assertThat(text(seenByB, "big")).hasSize(8192);

		b.save(set("one", "b", "again"));
		assertThat(text(a.find("one"), "b")).isEqualTo("again");

		assertThat(b.delete("one")).isNotNull();
		assertThat(a.find("one")).isNull();
		assertThat(a.save(set("one", "a", "lost"))).isNull();
		assertThat(b.find("one")).isNull();
		assertThat(MemoizedTestSupport.mappings(files)).isZero();
	}

	private FileSessionStore fileStore() {
		FileSessionStore store = new FileSessionStore(this.dir, FileFormat.BINARY, false);
		this.closeables.add(store);
		return store;
	}

	/**
	 * A cache far larger than any test here fills.
	 */
	private static MemorySessionStore cache() {
		return new MemorySessionStore(64L * 1024 * 1024, 100, 0.9, Clock.systemUTC());
	}

	private MemoizedSessionStore memoized(FileSessionStore files, MemorySessionStore cache, Coherence coherence) {
		MemoizedSessionStore store = new MemoizedSessionStore(files, cache, coherence);
		if (coherence == Coherence.EXCLUSIVE) {
			FileSessionLockManager locks = FileSessionLockManager.forCache(this.dir);
			this.closeables.add(locks);
			store.setLockManager(locks, Duration.ZERO);
		}
		this.closeables.add(store);
		return store;
	}

}
