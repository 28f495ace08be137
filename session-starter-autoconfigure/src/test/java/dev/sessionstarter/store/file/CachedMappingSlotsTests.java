package dev.sessionstarter.store.file;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.test.util.ReflectionTestUtils;

import dev.sessionstarter.Closeables;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static dev.sessionstarter.store.TestSessionChanges.create;
import static dev.sessionstarter.store.TestSessionChanges.set;
import static dev.sessionstarter.store.TestSessionChanges.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bounded number of files a file store maps for a validating memoized cache (16,384, four
 * here) when the cache holds more sessions than that: sessions read once and never again do not
 * keep the mappings from the sessions in use.
 */
class CachedMappingSlotsTests {

	private static final int SLOTS = 4;

	@TempDir
	Path dir;

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@Test
	void sessionInUseGetsAMappingHeldBySessionsReadOnceAndNeverAgain() {
		FileSessionStore files = new FileSessionStore(this.dir, FileFormat.BINARY, false, SLOTS);
		this.closeables.add(files);
		MemoizedSessionStore store = memoized(files);
		for (int i = 0; i < SLOTS; i++) {
			store.save(create("cold-" + i));
			assertThat(store.find("cold-" + i)).isNotNull();
		}
		assertThat(files.mappings()).as("mapped by the sessions read once").isEqualTo(SLOTS);
		store.save(create("hot"));

		for (int i = 0; i < 5; i++) {
			assertThat(store.find("hot")).isNotNull();
			assertThat(store.save(set("hot", "n", Integer.toString(i)))).isNotNull();
		}

		assertThat(heldHandles(store).keySet()).as("sessions with a mapped file").contains("hot").hasSize(SLOTS);
		assertThat(files.mappings()).isEqualTo(SLOTS);
		for (int i = 0; i < SLOTS; i++) {
			assertThat(store.find("cold-" + i)).as("cold-%d", i).isNotNull();
			assertThat(files.mappings()).isLessThanOrEqualTo(SLOTS);
		}
		assertThat(text(store.find("hot"), "n")).isEqualTo("4");
		assertThat(text(new FileSessionStore(this.dir, FileFormat.BINARY, false).find("hot"), "n")).isEqualTo("4");
		store.close();
		assertThat(files.mappings()).isZero();
	}

	@Test
	void handlesGivenUpWhileOtherThreadsUseTheirSessionsLoseNoChange() throws Exception {
		FileSessionStore files = new FileSessionStore(this.dir, FileFormat.BINARY, false, SLOTS);
		this.closeables.add(files);
		MemoizedSessionStore store = memoized(files);
		int threads = 4;
		int sessionsEach = 5;
		int rounds = 200;
		for (int i = 0; i < threads * sessionsEach; i++) {
			store.save(create("s" + i));
		}
		List<Thread> workers = new ArrayList<>();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		for (int t = 0; t < threads; t++) {
			int first = t * sessionsEach;
			workers.add(new Thread(() -> {
				try {
					for (int round = 0; round < rounds; round++) {
						// each thread changes its own sessions, every one in use in turn
						String id = "s" + (first + round % sessionsEach);
						SessionRecord found = store.find(id);
						int n = (text(found, "n") != null) ? Integer.parseInt(text(found, "n")) : 0;
						assertThat(store.save(set(id, "n", Integer.toString(n + 1)))).isNotNull();
					}
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			}));
		}
		workers.forEach(Thread::start);
		for (Thread worker : workers) {
			worker.join();
		}

		assertThat(failures).isEmpty();
		assertThat(heldHandles(store)).hasSizeLessThanOrEqualTo(SLOTS);
		FileSessionStore reader = new FileSessionStore(this.dir, FileFormat.BINARY, false);
		this.closeables.add(reader);
		for (int i = 0; i < threads * sessionsEach; i++) {
			assertThat(text(reader.find("s" + i), "n")).as("s%d", i).isEqualTo(Integer.toString(rounds / sessionsEach));
		}
		store.close();
		assertThat(files.mappings()).isZero();
	}

	private MemoizedSessionStore memoized(FileSessionStore files) {
		MemoizedSessionStore store = new MemoizedSessionStore(files,
				new MemorySessionStore(64L * 1024 * 1024, 100, 0.9, Clock.systemUTC()), Coherence.VALIDATE);
		this.closeables.add(store);
		return store;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, ?> heldHandles(MemoizedSessionStore store) {
		Object cache = ReflectionTestUtils.getField(store, "sessionCache");
		Object handles = ReflectionTestUtils.getField(cache, "handles");
		return (Map<String, ?>) ReflectionTestUtils.getField(handles, "held");
	}

}
