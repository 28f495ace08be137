package dev.sessionstarter.store.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.util.FileSystemUtils;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.store.SessionHandle;
import dev.sessionstarter.store.SessionRecord;

import static dev.sessionstarter.store.TestSessionChanges.create;
import static dev.sessionstarter.store.TestSessionChanges.rename;
import static dev.sessionstarter.store.TestSessionChanges.set;
import static dev.sessionstarter.store.TestSessionChanges.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the binary session files a {@link FileSessionStore} keeps open
 * ({@link OpenSessionFiles}), with two store instances on one directory standing for two
 * processes and the files changed behind the store's back as an operator or another program
 * could.
 */
class OpenSessionFilesTests {

	@TempDir
	Path dir;

	private final List<FileSessionStore> stores = new ArrayList<>();

	@AfterEach
	void closeStores() {
		this.stores.forEach(FileSessionStore::close);
	}

	@Test
	void findOfAFileThatHoldsWhatTheStoreLastSawAnswersThatRecordWithoutDecodingItAgain() {
		FileSessionStore store = store();
		store.save(create("one"));
		SessionRecord first = store.find("one");
		assertThat(store.find("one")).isSameAs(first);
		SessionRecord saved = store.save(set("one", "b", "2"));
		assertThat(store.find("one")).isSameAs(saved);
		assertThat(store.mappings()).isOne();
	}

	@Test
	void savesOfAnotherStoreAreSeenAndKeptByTheOpenFile() throws IOException {
		FileSessionStore a = store();
		FileSessionStore b = store();
		a.save(create("one"));
		Object inode = Files.getAttribute(a.path("one"), "unix:ino");
		assertThat(a.find("one").version()).isEqualTo(1);
		b.save(set("one", "b", "from-b"));
		SessionRecord seen = a.find("one");
		assertThat(seen.version()).isEqualTo(2);
		assertThat(text(seen, "b")).isEqualTo("from-b");
		SessionRecord saved = a.save(set("one", "a", "from-a"));
		assertThat(saved.version()).isEqualTo(3);
		assertThat(text(b.find("one"), "b")).isEqualTo("from-b");
		assertThat(text(b.find("one"), "a")).isEqualTo("from-a");
		assertThat(Files.getAttribute(a.path("one"), "unix:ino")).as("written in place").isEqualTo(inode);
	}

	@Test
	void fileReplacedByAnotherStoreOrBehindTheStoresBackIsReadAnew() throws IOException {
		FileSessionStore a = store();
		FileSessionStore b = store();
		a.save(create("one"));
		a.save(create("two"));
		a.find("one");
		SessionRecord grown = b.save(set("one", "big", "x".repeat(8192)));
		assertThat(text(a.find("one"), "big")).hasSize(8192);
		assertThat(a.find("one").version()).isEqualTo(grown.version());
		Path backup = this.dir.resolve("backup");
		Files.copy(a.path("two"), backup);
		a.save(set("two", "b", "after the backup"));
		assertThat(text(a.find("two"), "b")).isEqualTo("after the backup");
		Files.move(backup, a.path("two"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		assertThat(a.find("two").version()).isOne();
		SessionRecord saved = a.save(set("two", "c", "3"));
		assertThat(saved.version()).isEqualTo(2);
		assertThat(text(saved, "b")).isNull();
		assertThat(text(b.find("two"), "c")).isEqualTo("3");
	}

	@Test
	void fileDamagedOrCutShortInPlaceIsQuarantinedAndNotAnsweredFromWhatWasSeen() throws IOException {
		FileSessionStore store = store();
		store.save(create("one"));
		store.save(create("two"));
		store.find("one");
		store.find("two");
		Path damaged = store.path("one");
		byte[] content = Files.readAllBytes(damaged);
		content[40] ^= 0x5A;
		Files.write(damaged, content);
		Path truncated = store.path("two");
		Files.write(truncated, Arrays.copyOf(Files.readAllBytes(truncated), 100));

		assertThat(store.find("one")).isNull();
		assertThat(store.find("two")).isNull();
		assertThat(store.quarantined()).isEqualTo(2);
	}

	@Test
	void deletedSessionsAndDirectoryAreNotAnsweredNorWrittenThroughTheOpenFiles() throws IOException {
		FileSessionStore a = store();
		FileSessionStore b = store();
		a.save(create("one"));
		a.save(create("two"));
		a.find("one");
		a.find("two");
		assertThat(b.delete("one")).isNotNull();
		assertThat(a.find("one")).isNull();
		assertThat(a.save(set("one", "b", "2"))).isNull();
		FileSystemUtils.deleteRecursively(a.getDirectory());
		assertThat(a.find("two")).isNull();
		assertThat(a.save(set("two", "b", "2"))).isNull();
		assertThat(a.mappings()).isZero();
	}

	@Test
	void saveUnderTheRequestLockOfItsFindSeesAFileReplacedOrDeletedMeanwhileByAnotherStore() throws Exception {
		FileSessionStore a = store();
		FileSessionStore b = store();
		a.save(create("one"));
		a.save(create("two"));
		try (FileSessionLockManager locks = new FileSessionLockManager(a);
				SessionLock one = locks.tryLock("one", Duration.ofSeconds(5));
				SessionLock two = locks.tryLock("two", Duration.ofSeconds(5))) {
			assertThat(a.find("one").version()).isOne();
			b.save(set("one", "big", "x".repeat(8192)));
			SessionRecord saved = a.save(set("one", "c", "3"));
			assertThat(text(saved, "big")).hasSize(8192);
			assertThat(text(b.find("one"), "c")).isEqualTo("3");
			assertThat(a.find("two")).isNotNull();
			b.delete("two");
			assertThat(a.save(set("two", "c", "3"))).isNull();
		}
		assertThat(a.find("two")).isNull();
	}

	@Test
	void renamedSessionGivesUpTheFileOfItsOldId() {
		FileSessionStore store = store();
		store.save(create("one"));
		store.find("one");
		assertThat(store.mappings()).isOne();
		store.save(rename("one", "two"));
		assertThat(store.mappings()).isZero();
		assertThat(store.find("one")).isNull();
		assertThat(text(store.find("two"), "a")).isEqualTo("123");
	}

	@Test
	void openFilesAreBoundedAndThePurgeOpensNone() {
		FileSessionStore store = store();
		int sessions = OpenSessionFiles.MAX_OPEN + 100;
		for (int i = 0; i < sessions; i++) {
			store.save(create("s" + i));
		}
		assertThat(store.purgeExpired(Instant.now())).isZero();
		assertThat(store.mappings()).isZero();
		for (int i = 0; i < sessions; i++) {
			assertThat(store.find("s" + i)).isNotNull();
		}
		assertThat(store.mappings()).isEqualTo(OpenSessionFiles.MAX_OPEN);
		store.close();
		assertThat(store.mappings()).isZero();
	}

	@Test
	void fileMappedWhileACacheStopsTheOpenFilesIsNotKept() throws Exception {
		FileSessionStore store = store();
		store.save(create("one"));
		OpenSessionFiles openFiles = (OpenSessionFiles) ReflectionTestUtils.getField(store, "openFiles");
		CountDownLatch mapped = new CountDownLatch(1);
		CountDownLatch stopped = new CountDownLatch(1);
		openFiles.whileOpening = () -> {
			mapped.countDown();
			await(stopped);
		};
		AtomicReference<SessionRecord> found = new AtomicReference<>();
		Thread finder = new Thread(() -> found.set(store.find("one")));
		finder.start();
		await(mapped);
		// a cache maps a file: the store stops keeping files open, while the finder maps one
		SessionHandle handle = store.open("one");
		stopped.countDown();
		finder.join();

		assertThat(found.get()).isNotNull();
		assertThat(handle).isNotNull();
		handle.close();
		assertThat(openFiles.size()).as("files kept open after the stop").isZero();
		assertThat(store.mappings()).as("mappings left").isZero();
	}

	private static void await(CountDownLatch latch) {
		try {
			assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private FileSessionStore store() {
		FileSessionStore store = new FileSessionStore(this.dir.resolve("sessions"), FileFormat.BINARY, false);
		this.stores.add(store);
		return store;
	}

}
