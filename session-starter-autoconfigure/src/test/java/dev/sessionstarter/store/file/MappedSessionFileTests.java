package dev.sessionstarter.store.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.store.SessionHandle;
import dev.sessionstarter.store.SessionRecord;

import static dev.sessionstarter.store.TestSessionChanges.create;
import static dev.sessionstarter.store.TestSessionChanges.set;
import static dev.sessionstarter.store.TestSessionChanges.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MappedSessionFile}, the handle a cache keeps on a session file, with two
 * {@link FileSessionStore} instances on one directory standing for two processes.
 */
class MappedSessionFileTests {

	@TempDir
	Path dir;

	private final List<FileSessionStore> stores = new ArrayList<>();

	@AfterEach
	void closeStores() {
		this.stores.forEach(FileSessionStore::close);
	}

	@Test
	void opensOnlyBinaryFilesThatExist() {
		FileSessionStore store = store(FileFormat.BINARY);
		assertThat(store.open("one")).isNull();
		store.save(create("one"));
		try (SessionHandle handle = store.open("one")) {
			assertThat(handle).isNotNull();
			assertThat(handle.version()).isEqualTo(1);
			assertThat(store.mappings()).isEqualTo(1);
		}
		assertThat(store.mappings()).isZero();
		FileSessionStore json = store(FileFormat.JSON);
		json.save(create("two"));
		assertThat(json.open("two")).isNull();
	}

	@Test
	void handleSeesAnotherStoresWritesAndKeepsThemWhenItSaves() {
		FileSessionStore a = store(FileFormat.BINARY);
		FileSessionStore b = store(FileFormat.BINARY);
		SessionRecord stale = a.save(create("one"));
		SessionHandle handle = a.open("one");
		assertThat(handle.version()).isEqualTo(1);
		SessionRecord fromB = b.save(set("one", "b", "from-b"));
		assertThat(handle.version()).isEqualTo(fromB.version()).isEqualTo(2);
		SessionRecord saved = handle.save(set("one", "a", "from-a"), stale);
		assertThat(saved.version()).isEqualTo(3);
		assertThat(text(saved, "b")).isEqualTo("from-b");
		assertThat(text(saved, "a")).isEqualTo("from-a");
		SessionRecord seenByB = b.find("one");
		assertThat(seenByB.version()).isEqualTo(3);
		assertThat(text(seenByB, "b")).isEqualTo("from-b");
		assertThat(text(seenByB, "a")).isEqualTo("from-a");
		assertThat(b.delete("one")).isNotNull();
		assertThat(handle.version()).isNull();
		assertThat(handle.save(set("one", "a", "again"), saved)).isNull();
		assertThat(a.find("one")).isNull();
		handle.close();
		assertThat(a.mappings()).isZero();
	}

	@Test
	void handleOpenedBeforeTheSessionOutgrewItsFileFollowsTheNewFile() throws IOException {
		FileSessionStore a = store(FileFormat.BINARY);
		FileSessionStore b = store(FileFormat.BINARY);
		a.save(create("one"));
		Path file = a.path("one");
		Object inode = Files.getAttribute(file, "unix:ino");
		try (SessionHandle handle = a.open("one")) {
			SessionRecord grown = b.save(set("one", "big", "x".repeat(8192)));
			Object grownInode = Files.getAttribute(file, "unix:ino");
			assertThat(grownInode).isNotEqualTo(inode);
			assertThat(handle.version()).isEqualTo(grown.version()).isEqualTo(2);
			assertThat(a.mappings()).isEqualTo(1);
			SessionRecord saved = handle.save(set("one", "c", "3"), grown);
			assertThat(saved.version()).isEqualTo(3);
			assertThat(text(saved, "big")).hasSize(8192);
			assertThat(Files.getAttribute(file, "unix:ino")).as("written in place into the new file")
				.isEqualTo(grownInode);
			SessionRecord seenByB = b.find("one");
			assertThat(seenByB.version()).isEqualTo(3);
			assertThat(text(seenByB, "c")).isEqualTo("3");
		}
		assertThat(a.mappings()).isZero();
	}

	@Test
	void changeThatOutgrowsTheMappedFileIsSavedToANewFile() throws IOException {
		FileSessionStore a = store(FileFormat.BINARY);
		FileSessionStore b = store(FileFormat.BINARY);
		SessionRecord created = a.save(create("one"));
		Path file = a.path("one");
		Object inode = Files.getAttribute(file, "unix:ino");
		try (SessionHandle handle = a.open("one")) {
			SessionRecord grown = handle.save(set("one", "big", "y".repeat(8192)), created);
			assertThat(grown.version()).isEqualTo(2);
			assertThat(Files.getAttribute(file, "unix:ino")).isNotEqualTo(inode);
			assertThat(handle.version()).isEqualTo(2);
			assertThat(text(b.find("one"), "big")).hasSize(8192);
			Object grownInode = Files.getAttribute(file, "unix:ino");
			SessionRecord next = handle.save(set("one", "c", "3"), grown);
			assertThat(next.version()).isEqualTo(3);
			assertThat(Files.getAttribute(file, "unix:ino")).isEqualTo(grownInode);
			assertThat(text(b.find("one"), "c")).isEqualTo("3");
		}
		assertThat(a.mappings()).isZero();
	}

	@Test
	void savesWriteThroughTheMappingKeepTheInodeAndAreSeenByAnotherStore() throws IOException {
		FileSessionStore a = store(FileFormat.BINARY);
		FileSessionStore b = store(FileFormat.BINARY);
		SessionRecord current = a.save(create("one"));
		Path file = a.path("one");
		Object inode = Files.getAttribute(file, "unix:ino");
		SessionHandle handle = a.open("one");
		assertThat(a.mappings()).isEqualTo(1);
		for (int i = 0; i < 3; i++) {
			current = handle.save(set("one", "n", Integer.toString(i)), current);
			assertThat(handle.version()).isEqualTo(current.version());
			SessionRecord seen = b.find("one");
			assertThat(seen.version()).isEqualTo(current.version());
			assertThat(text(seen, "n")).isEqualTo(Integer.toString(i));
			assertThat(text(seen, "a")).isEqualTo("123");
		}
		assertThat(current.version()).isEqualTo(4);
		assertThat(Files.getAttribute(file, "unix:ino")).isEqualTo(inode);
		handle.close();
		assertThat(a.mappings()).isZero();
		assertThat(handle.version()).isNull();
		assertThat(a.mappings()).isZero();
	}

	@Test
	void closingAHandleTwiceReleasesItsMappingOnce() {
		FileSessionStore a = store(FileFormat.BINARY);
		a.save(create("one"));
		a.save(create("two"));
		SessionHandle one = a.open("one");
		SessionHandle two = a.open("two");
		assertThat(a.mappings()).isEqualTo(2);
		one.close();
		two.close();
		one.close();
		assertThat(a.mappings()).isZero();
	}

	private FileSessionStore store(FileFormat format) {
		FileSessionStore store = new FileSessionStore(this.dir.resolve(format.name()), format, false);
		this.stores.add(store);
		return store;
	}

}
