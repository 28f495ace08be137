package dev.sessionstarter.store.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Quarantine}.
 */
class QuarantineTests {

	@TempDir
	Path dir;

	private final List<String> warnings = new ArrayList<>();

	@Test
	void movesAFileAsideUnderAUniqueNameCountsAndLogsIt() throws IOException {
		Quarantine quarantine = quarantine();
		Path file = Files.write(this.dir.resolve("abc.session"), new byte[] { 1, 2, 3 });
		quarantine.move(file, "truncated");
		Files.write(file, new byte[] { 4 });
		quarantine.move(file, "empty");
		assertThat(file).doesNotExist();
		assertThat(quarantined()).hasSize(2).allMatch((name) -> name.matches("abc\\.session\\.\\d+-[0-9a-f]+"));
		assertThat(quarantine.count()).isEqualTo(2);
		assertThat(this.warnings).hasSize(2);
		assertThat(this.warnings.get(0)).startsWith("Session file abc.session is unreadable (truncated); moved it to ")
			.endsWith(" and the session is treated as absent");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(this.dir.resolve(Quarantine.DIR))))
			.isEqualTo("rwx------");
	}

	@Test
	void aFileRemovedMeanwhileIsNeitherCountedNorLogged() {
		Quarantine quarantine = quarantine();
		quarantine.move(this.dir.resolve("gone.session"), "truncated");
		assertThat(quarantine.count()).isZero();
		assertThat(this.warnings).isEmpty();
	}

	private Quarantine quarantine() {
		return new Quarantine(new SessionDirectory(this.dir, FileFormat.BINARY), this.warnings::add);
	}

	private List<String> quarantined() throws IOException {
		try (Stream<Path> files = Files.list(this.dir.resolve(Quarantine.DIR))) {
			return files.map((file) -> file.getFileName().toString()).toList();
		}
	}

}
