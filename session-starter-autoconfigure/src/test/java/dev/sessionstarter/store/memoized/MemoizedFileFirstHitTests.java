package dev.sessionstarter.store.memoized;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.test.util.ReflectionTestUtils;

import dev.sessionstarter.Closeables;
import dev.sessionstarter.store.SessionHandle;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.file.FileSessionStore;
import dev.sessionstarter.store.file.PreviousLayoutFiles;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static dev.sessionstarter.store.TestSessionChanges.create;
import static dev.sessionstarter.store.TestSessionChanges.set;
import static dev.sessionstarter.store.TestSessionChanges.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session saved only once (version 1), cached with no mapped file, in a validating cache over
 * the file store: its first validated hit maps the file, so that its later hits read no file,
 * and a mapping made while the cache evicts the session is not left behind.
 */
class MemoizedFileFirstHitTests {

	@TempDir
	Path dir;

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@Test
	void sessionSavedOnceIsCheckedThroughItsMappingFromItsFirstHitOn() {
		FileSessionStore files = fileStore();
		OpeningStore delegate = new OpeningStore(files);
		MemoizedSessionStore store = memoized(delegate, new MemorySessionStore(64L * 1024 * 1024, 100, 0.9,
				Clock.systemUTC()));
		store.save(create("once"));
		assertThat(MemoizedTestSupport.mappings(files)).as("after the creating save").isZero();

		for (int i = 0; i < 5; i++) {
			assertThat(store.find("once")).isNotNull();
		}

		assertThat(delegate.versionChecks).as("session files read to check the cached copy").hasValue(1);
		assertThat(delegate.finds).as("session files read whole").hasValue(0);
		assertThat(MemoizedTestSupport.mappings(files)).isEqualTo(1);
		FileSessionStore other = fileStore();
		other.save(set("once", "n", "from another store"));
		assertThat(text(store.find("once"), "n")).isEqualTo("from another store");
		assertThat(delegate.versionChecks).hasValue(1);
		assertThat(store.save(set("once", "n", "mine"))).isNotNull();
		assertThat(text(other.find("once"), "n")).isEqualTo("mine");
		store.close();
		assertThat(MemoizedTestSupport.mappings(files)).isZero();
	}

	@Test
	void mappingOpenedOnAHitWhileTheCacheEvictsTheSessionIsReleased() {
		FileSessionStore files = fileStore();
		MemorySessionStore cache = new MemorySessionStore(64L * 1024 * 1024, 1, 0.5, Clock.systemUTC());
		OpeningStore delegate = new OpeningStore(files);
		MemoizedSessionStore store = memoized(delegate, cache);
		store.save(create("once"));
		assertThat(MemoizedTestSupport.ids(cache)).containsExactly("once");
		// the cache evicts the session while its file is being mapped for the hit
		delegate.whileOpening = cache::reduce;

		assertThat(store.find("once")).isNotNull();

		assertThat(delegate.opened).as("files mapped").hasValue(1);
		assertThat(MemoizedTestSupport.ids(cache)).isEmpty();
		assertThat(MemoizedTestSupport.mappings(files)).as("mappings left for a session not cached").isZero();
		delegate.whileOpening = null;
		assertThat(store.find("once")).isNotNull();
		assertThat(store.find("once")).isNotNull();
		assertThat(MemoizedTestSupport.mappings(files)).isEqualTo(1);
	}

	@Test
	void sessionWhoseStoreOffersNoMappingIsNotAskedForOneOnEveryHit() {
		FileSessionStore files = fileStore(FileFormat.JSON);
		OpeningStore delegate = new OpeningStore(files);
		MemoizedSessionStore store = memoized(delegate, new MemorySessionStore(64L * 1024 * 1024, 100, 0.9,
				Clock.systemUTC()));
		store.save(create("once"));

		for (int i = 0; i < 5; i++) {
			assertThat(store.find("once")).isNotNull();
		}

		assertThat(delegate.asked).as("mappings asked for, none given").hasValue(1);
		assertThat(delegate.versionChecks).as("copies still checked by id").hasValue(5);
		fileStore(FileFormat.JSON).save(set("once", "n", "\"from another store\""));
		assertThat(text(store.find("once"), "n")).isEqualTo("\"from another store\"");
	}

	@Test
	void sessionFileOfThePreviousLayoutIsNotMappedAndDecodedOnEveryHit() throws Exception {
		FileSessionStore files = fileStore();
		long now = System.currentTimeMillis();
		PreviousLayoutFiles.write(files, new SessionRecord("old", now, now, Duration.ofMinutes(30).toMillis(), null,
				new String[] { "a" }, new byte[][] { "123".getBytes(StandardCharsets.UTF_8) }, 5));
		OpeningStore delegate = new OpeningStore(files);
		MemoizedSessionStore store = memoized(delegate, new MemorySessionStore(64L * 1024 * 1024, 100, 0.9,
				Clock.systemUTC()));
		assertThat(store.find("old")).isNotNull();

		for (int i = 0; i < 5; i++) {
			assertThat(text(store.find("old"), "a")).isEqualTo("123");
		}

		// the file cannot be mapped until it is rewritten in the slotted layout by a save
		assertThat(delegate.asked).as("mappings asked for, each mapping and decoding the file").hasValue(1);
		assertThat(store.save(set("old", "a", "456"))).isNotNull();
		assertThat(text(store.find("old"), "a")).isEqualTo("456");
		assertThat(MemoizedTestSupport.mappings(files)).isEqualTo(1);
	}

	@Test
	void mappingsOpenedOnHitsWhileOtherThreadsEvictAreHeldOnlyForCachedSessions() throws Exception {
		FileSessionStore files = fileStore();
		MemorySessionStore cache = new MemorySessionStore(64L * 1024 * 1024, 8, 0.5, Clock.systemUTC());
		OpeningStore delegate = new OpeningStore(files);
		MemoizedSessionStore store = memoized(delegate, cache);
		int sessions = 32;
		for (int i = 0; i < sessions; i++) {
			store.save(create("s" + i));
		}
		List<Thread> threads = new ArrayList<>();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		for (int t = 0; t < 4; t++) {
			int seed = t;
			threads.add(new Thread(() -> {
				try {
					for (int i = 0; i < 3000; i++) {
						// hits on a few map the files of sessions saved once, misses on the others evict
						int n = (i % 2 == 0) ? (i / 2 + seed) % 4 : 4 + (i * 7 + seed * 13) % (sessions - 4);
						assertThat(store.find("s" + n)).isNotNull();
					}
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			}));
		}
		threads.forEach(Thread::start);
		for (Thread thread : threads) {
			thread.join();
		}

		assertThat(failures).isEmpty();
		assertThat(delegate.opened).as("files mapped on hits").hasPositiveValue();
		Map<?, ?> held = heldHandles(store);
		assertThat(MemoizedTestSupport.ids(cache)).as("cached ids").containsAll(held.keySet().stream()
			.map(String.class::cast)
			.toList());
		store.close();
		assertThat(heldHandles(store)).isEmpty();
		assertThat(MemoizedTestSupport.mappings(files)).as("mappings after close").isZero();
	}

	private static Map<?, ?> heldHandles(MemoizedSessionStore store) {
		Object cache = ReflectionTestUtils.getField(store, "sessionCache");
		Object handles = ReflectionTestUtils.getField(cache, "handles");
		return (Map<?, ?>) ReflectionTestUtils.getField(handles, "held");
	}

	private FileSessionStore fileStore() {
		return fileStore(FileFormat.BINARY);
	}

	private FileSessionStore fileStore(FileFormat format) {
		FileSessionStore store = new FileSessionStore(this.dir, format, false);
		this.closeables.add(store);
		return store;
	}

	private MemoizedSessionStore memoized(OpeningStore delegate, MemorySessionStore cache) {
		MemoizedSessionStore store = new MemoizedSessionStore(delegate, cache, Coherence.VALIDATE);
		this.closeables.add(store);
		return store;
	}

	/**
	 * A delegate that counts its reads by id and the handles it opens, and can run something
	 * while it opens one.
	 */
	static final class OpeningStore extends MemoizedSessionStoreTests.CountingStore {

		private final FileSessionStore files;

		final AtomicInteger opened = new AtomicInteger();

		final AtomicInteger asked = new AtomicInteger();

		volatile @Nullable Runnable whileOpening;

		OpeningStore(FileSessionStore files) {
			super(files);
			this.files = files;
		}

		@Override
		public @Nullable SessionHandle open(String id) {
			this.asked.incrementAndGet();
			SessionHandle handle = this.files.open(id);
			if (handle != null) {
				this.opened.incrementAndGet();
			}
			Runnable whileOpening = this.whileOpening;
			if (whileOpening != null) {
				whileOpening.run();
			}
			return handle;
		}

	}

}
