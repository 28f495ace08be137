package dev.sessionstarter.store.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SessionDirectory}.
 */
class SessionDirectoryTests {

	@TempDir
	Path dir;

	@Test
	void createsTheDirectoryAndItsParentsOwnerOnly() throws IOException {
		SessionDirectory directory = new SessionDirectory(this.dir.resolve("a/b"), FileFormat.BINARY);
		assertThat(directory.path()).isDirectory().isEqualTo(this.dir.resolve("a/b").toRealPath());
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.path())))
			.isEqualTo("rwx------");
	}

	@Test
	void namesEachSessionFileByIdAndFormat() {
		SessionDirectory binary = new SessionDirectory(this.dir, FileFormat.BINARY);
		SessionDirectory json = new SessionDirectory(this.dir, FileFormat.JSON);
		assertThat(binary.file("abc")).isEqualTo(binary.path().resolve("abc.session"));
		assertThat(json.file("abc")).isEqualTo(json.path().resolve("abc.json"));
		assertThat(binary.idOf(binary.path().resolve("abc.session"))).isEqualTo("abc");
		assertThat(binary.idOf(binary.path().resolve("abc.json"))).isNull();
		assertThat(json.idOf(json.path().resolve("abc.json"))).isEqualTo("abc");
		assertThat(binary.idOf(binary.path().resolve(".hidden.session"))).isNull();
		assertThat(binary.idOf(binary.path().resolve(".session"))).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "..", "../x", "a/b", "a\\b", ".hidden" })
	void namesNoFileForAnIdThatCouldNameAnotherFile(String id) {
		SessionDirectory directory = new SessionDirectory(this.dir, FileFormat.BINARY);
		assertThat(directory.file(id)).isNull();
	}

	@Test
	void temporaryFilesAreNamedForTheirSession() {
		SessionDirectory directory = new SessionDirectory(this.dir, FileFormat.BINARY);
		Path temp = directory.newTemporaryFile("abc");
		assertThat(temp.getParent()).isEqualTo(directory.path());
		assertThat(directory.newTemporaryFile("abc")).isNotEqualTo(temp);
		assertThat(SessionDirectory.isTemporary(temp)).isTrue();
		assertThat(SessionDirectory.isTemporaryFileOf(temp, "abc")).isTrue();
		assertThat(SessionDirectory.isTemporaryFileOf(temp, "ab")).isFalse();
		assertThat(SessionDirectory.isTemporaryFileOf(directory.path().resolve(".tmp-abc-"), "abc")).isFalse();
		assertThat(SessionDirectory.isTemporaryFileOf(directory.path().resolve(".tmp-abc-xyz"), "abc")).isFalse();
		assertThat(SessionDirectory.isTemporary(directory.path().resolve("abc.session"))).isFalse();
		assertThat(directory.idOf(temp)).isNull();
	}

	@Test
	void usageCountsSessionFilesOnly() throws IOException {
		SessionDirectory directory = new SessionDirectory(this.dir, FileFormat.BINARY);
		Files.write(directory.path().resolve("a.session"), new byte[100]);
		Files.write(directory.path().resolve("b.session"), new byte[50]);
		Files.write(directory.newTemporaryFile("c"), new byte[1000]);
		Files.write(directory.path().resolve("d.json"), new byte[1000]);
		assertThat(directory.usage().sessions()).isEqualTo(2);
		assertThat(directory.usage().bytes()).isEqualTo(150);
	}

}
