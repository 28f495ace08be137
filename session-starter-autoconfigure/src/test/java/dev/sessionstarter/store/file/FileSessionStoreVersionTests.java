package dev.sessionstarter.store.file;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The version check a memoized cache asks the file store for on every read.
 */
class FileSessionStoreVersionTests {

	@TempDir
	Path dir;

	private SessionChange create(String id) {
		long now = System.currentTimeMillis();
		return new SessionChange(id, null, true, now, now, Duration.ofMinutes(30).toMillis(), false, null,
				Map.of("a", "123".getBytes(StandardCharsets.UTF_8)));
	}

	private SessionChange touch(String id) {
		return new SessionChange(id, null, false, 0, System.currentTimeMillis(), null, false, null,
				Map.of("b", "4".getBytes(StandardCharsets.UTF_8)));
	}

	@ParameterizedTest
	@EnumSource(FileFormat.class)
	void answersTheStoredVersionAndNullForAnAbsentSession(FileFormat format) {
		try (FileSessionStore store = new FileSessionStore(this.dir, format, false)) {
			store.save(create("one"));
			SessionRecord touched = store.save(touch("one"));
			assertThat(store.version("one")).isEqualTo(touched.version()).isEqualTo(2);
			assertThat(store.version("two")).isNull();
			assertThat(store.supportsVersionCheck()).isTrue();
		}
	}

	@Test
	void readsOnlyTheHeaderOfABinaryFile() throws Exception {
		try (FileSessionStore store = new FileSessionStore(this.dir, FileFormat.BINARY, false)) {
			store.save(create("one"));
			store.save(touch("one"));
			Path file = store.path("one");
			byte[] bytes = Files.readAllBytes(file);
			bytes[bytes.length - 1] ^= 0x55;
			Files.write(file, bytes);
			assertThat(store.version("one")).isEqualTo(2);
		}
	}

}
