package dev.sessionstarter.store.memoized;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.Closeables;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.file.FileSessionLockManager;
import dev.sessionstarter.store.file.FileSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static dev.sessionstarter.store.TestSessionChanges.create;
import static dev.sessionstarter.store.TestSessionChanges.set;
import static dev.sessionstarter.store.TestSessionChanges.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A memoized store over the file store used during and after its {@link MemoizedSessionStore#close()
 * close} (requests still running while the application stops): it maps no file and takes no
 * cache lock that nothing would release, and still serves the sessions from the delegate.
 */
class MemoizedCloseTests {

	@TempDir
	Path dir;

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@Test
	void hitsAndSavesAfterCloseMapNoFile() {
		FileSessionStore files = fileStore();
		MemoizedSessionStore store = memoized(files, Coherence.VALIDATE);
		store.save(create("once"));
		store.save(create("twice"));
		assertThat(MemoizedTestSupport.mappings(files)).isZero();

		store.close();
		assertThat(store.find("once")).isNotNull();
		assertThat(store.find("once")).isNotNull();
		assertThat(store.save(set("twice", "n", "2"))).isNotNull();

		assertThat(MemoizedTestSupport.mappings(files)).as("files mapped after close").isZero();
		assertThat(text(store.find("twice"), "n")).isEqualTo("2");
		assertThat(text(fileStore().find("twice"), "n")).isEqualTo("2");
	}

	@Test
	void mappingOpenedOnAHitWhileTheStoreClosesIsReleased() {
		FileSessionStore files = fileStore();
		MemoizedFileFirstHitTests.OpeningStore delegate = new MemoizedFileFirstHitTests.OpeningStore(files);
		MemoizedSessionStore store = memoized(delegate, Coherence.VALIDATE);
		store.save(create("once"));
		// the store is closed while the hit maps the session's file
		delegate.whileOpening = store::close;

		assertThat(store.find("once")).isNotNull();

		assertThat(delegate.opened).as("files mapped").hasValue(1);
		assertThat(MemoizedTestSupport.mappings(files)).as("mappings left after close").isZero();
	}

	@Test
	void savesAfterCloseTakeNoCacheLock() {
		FileSessionStore files = fileStore();
		FileSessionLockManager locks = FileSessionLockManager.forCache(files.getDirectory());
		this.closeables.add(locks);
		MemoizedSessionStore store = memoized(files, Coherence.EXCLUSIVE);
		store.setLockManager(locks, Duration.ZERO);
		store.save(create("before"));
		assertThat(locks.heldLocks()).isOne();

		store.close();
		assertThat(locks.heldLocks()).isZero();
		assertThat(store.save(create("after"))).isNotNull();
		assertThat(store.find("before")).isNotNull();

		assertThat(locks.heldLocks()).as("cache locks held after close").isZero();
		assertThat(text(store.find("after"), "a")).isEqualTo("123");
	}

	private FileSessionStore fileStore() {
		FileSessionStore store = new FileSessionStore(this.dir, FileFormat.BINARY, false);
		this.closeables.add(store);
		return store;
	}

	private MemoizedSessionStore memoized(SessionStore delegate, Coherence coherence) {
		MemoizedSessionStore store = new MemoizedSessionStore(delegate,
				new MemorySessionStore(64L * 1024 * 1024, 100, 0.9, Clock.systemUTC()), coherence);
		this.closeables.add(store);
		return store;
	}

}
