package dev.sessionstarter.store.memoized;

import java.nio.file.Path;
import java.time.Clock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionRepositoryContractTests;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.file.FileSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository contract on the memoized store in validate coherence over the file store.
 */
class MemoizedFileValidateRepositoryTests extends SessionRepositoryContractTests {

	@TempDir
	Path dir;

	protected FileSessionStore fileStore;

	protected MemorySessionStore cache;

	protected MemoizedSessionStore store;

	@Override
	protected SessionStore createStore(Clock clock) {
		this.fileStore = new FileSessionStore(this.dir, FileFormat.BINARY, false);
		this.cache = new MemorySessionStore(64L * 1024 * 1024, 100_000, 0.9, clock);
		this.store = new MemoizedSessionStore(this.fileStore, this.cache, coherence());
		return this.store;
	}

	protected Coherence coherence() {
		return Coherence.VALIDATE;
	}

	@AfterEach
	void closeStore() {
		this.store.close();
		this.fileStore.close();
	}

	@Override
	protected void assertConsistent() {
		for (String id : MemoizedTestSupport.ids(this.cache)) {
			SessionRecord cached = this.cache.find(id);
			SessionRecord stored = this.fileStore.find(id);
			assertThat(stored).as("cached session %s is stored", id).isNotNull();
			assertThat(cached.version()).as("cached copy of %s is current", id).isEqualTo(stored.version());
			assertThat(this.fileStore.version(id)).isEqualTo(stored.version());
		}
		assertThat(this.store.cacheStatistics().hits()).isPositive();
	}

}
