package dev.sessionstarter.store.file;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sessionstarter.store.SessionRecord;

import static dev.sessionstarter.store.TestSessionChanges.create;
import static dev.sessionstarter.store.TestSessionChanges.set;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The version check a memoized cache asks the file store for on every read.
 */
class FileSessionStoreVersionTests {

	@TempDir
	Path dir;

	@ParameterizedTest
	@EnumSource(FileFormat.class)
	void answersTheStoredVersionAndNullForAnAbsentSession(FileFormat format) {
		try (FileSessionStore store = new FileSessionStore(this.dir, format, false)) {
			store.save(create("one"));
			SessionRecord touched = store.save(set("one", "b", "4"));
			assertThat(store.version("one")).isEqualTo(touched.version()).isEqualTo(2);
			assertThat(store.version("two")).isNull();
			assertThat(store.supportsVersionCheck()).isTrue();
		}
	}

	@Test
	void readsOnlyTheHeaderOfABinaryFile() throws Exception {
		try (FileSessionStore store = new FileSessionStore(this.dir, FileFormat.BINARY, false)) {
			store.save(create("one"));
			store.save(set("one", "b", "4"));
			Path file = store.path("one");
			byte[] bytes = Files.readAllBytes(file);
			bytes[bytes.length - 1] ^= 0x55;
			Files.write(file, bytes);
			assertThat(store.version("one")).isEqualTo(2);
		}
	}

}
