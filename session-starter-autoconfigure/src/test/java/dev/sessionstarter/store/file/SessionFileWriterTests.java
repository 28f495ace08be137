package dev.sessionstarter.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sessionstarter.store.SessionRecord;

import static dev.sessionstarter.store.TestSessionChanges.create;
import static dev.sessionstarter.store.TestSessionChanges.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SessionFileWriter}, on real files.
 */
class SessionFileWriterTests {

	@TempDir
	Path dir;

	private SessionDirectory directory;

	private SessionFileWriter writer;

	private final SessionRecord first = SessionRecord.apply(null, create("abc"));

	@BeforeEach
	void createWriter() {
		this.directory = new SessionDirectory(this.dir, FileFormat.BINARY);
		this.writer = new SessionFileWriter(this.directory, false);
	}

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void replaceWritesTheWholeFileOwnerOnlyAndLeavesNoTemporaryFile(boolean fsync) throws IOException {
		SessionFileWriter forced = new SessionFileWriter(this.directory, fsync);
		forced.replace("abc", new byte[] { 1, 2, 3 });
		forced.replace("abc", new byte[] { 4, 5 });
		Path file = this.directory.file("abc");
		assertThat(Files.readAllBytes(file)).containsExactly(4, 5);
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		assertThat(temporaryFiles()).isEmpty();
	}

	@Test
	void aRecordThatFitsIsWrittenInPlaceIntoTheOtherSlot() throws Exception {
		Path file = this.directory.file("abc");
		StoredFile base = writeFirst();
		Object inode = Files.getAttribute(file, "unix:ino");
		this.writer.write(SessionRecord.apply(this.first, set("abc", "b", "2")), BinaryRecordFormat.INSTANCE, base);
		StoredFile second = StoredFile.read(file, "abc", BinaryRecordFormat.INSTANCE);
		assertThat(second.slot()).isEqualTo(1 - base.slot());
		assertThat(second.record().version()).isEqualTo(2);
		assertThat(Files.getAttribute(file, "unix:ino")).isEqualTo(inode);
	}

	@Test
	void aRecordThatOutgrowsItsSlotsReplacesTheFileAndMarksTheOldOneGone() throws Exception {
		Path file = this.directory.file("abc");
		StoredFile base = writeFirst();
		ByteBuffer old = SlottedFileTests.oldFileAfter(file, () -> this.writer
			.write(SessionRecord.apply(this.first, set("abc", "big", "x".repeat(8192))), BinaryRecordFormat.INSTANCE,
					base));
		assertThat(GoneMarks.isGone(old)).isTrue();
		assertThat(StoredFile.read(file, "abc", BinaryRecordFormat.INSTANCE).record().version()).isEqualTo(2);
		assertThat(temporaryFiles()).isEmpty();
	}

	@Test
	void deleteMarksASlottedFileGoneBeforeDeletingIt() throws Exception {
		Path file = this.directory.file("abc");
		StoredFile stored = writeFirst();
		ByteBuffer old = SlottedFileTests.oldFileAfter(file, () -> this.writer.delete("abc", stored));
		assertThat(file).doesNotExist();
		assertThat(GoneMarks.isGone(old)).isTrue();
	}

	@Test
	void aFailedReplaceLeavesNoTemporaryFile() throws IOException {
		Path file = this.directory.file("abc");
		Files.createDirectories(file);
		Files.write(file.resolve("occupied"), new byte[1]);
		assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> this.writer.replace("abc", new byte[1]));
		assertThat(temporaryFiles()).isEmpty();
	}

	@Test
	void onlyStaleTemporaryFilesAreDeleted() throws IOException {
		Path stale = Files.write(this.directory.newTemporaryFile("abc"), new byte[1]);
		Path fresh = Files.write(this.directory.newTemporaryFile("abc"), new byte[1]);
		Files.setLastModifiedTime(stale,
				FileTime.from(Instant.now().minus(TemporaryFiles.STALE_TEMP_AGE).minus(Duration.ofMinutes(1))));
		this.writer.deleteIfStale(stale);
		this.writer.deleteIfStale(fresh);
		this.writer.deleteIfStale(this.directory.newTemporaryFile("missing"));
		assertThat(stale).doesNotExist();
		assertThat(fresh).exists();
	}

	private StoredFile writeFirst() throws CorruptSessionFileException {
		this.writer.write(this.first, BinaryRecordFormat.INSTANCE, null);
		return StoredFile.read(this.directory.file("abc"), "abc", BinaryRecordFormat.INSTANCE);
	}

	private List<Path> temporaryFiles() throws IOException {
		try (Stream<Path> files = Files.list(this.dir)) {
			return files.filter(SessionDirectory::isTemporary).toList();
		}
	}

}
