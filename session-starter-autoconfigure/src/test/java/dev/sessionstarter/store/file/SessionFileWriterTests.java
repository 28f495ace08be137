package dev.sessionstarter.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

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

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void replaceWritesTheWholeFileOwnerOnlyAndLeavesNoTemporaryFile(boolean fsync) throws IOException {
		SessionDirectory directory = new SessionDirectory(this.dir, FileFormat.BINARY);
		SessionFileWriter writer = new SessionFileWriter(directory, fsync);
		writer.replace("abc", new byte[] { 1, 2, 3 });
		writer.replace("abc", new byte[] { 4, 5 });
		Path file = directory.file("abc");
		assertThat(Files.readAllBytes(file)).containsExactly(4, 5);
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		assertThat(temporaryFiles()).isEmpty();
	}

	@Test
	void aRecordThatFitsIsWrittenInPlaceIntoTheOtherSlot() throws Exception {
		SessionDirectory directory = new SessionDirectory(this.dir, FileFormat.BINARY);
		SessionFileWriter writer = new SessionFileWriter(directory, false);
		SessionRecord first = SessionRecord.apply(null, create("abc"));
		writer.write(first, BinaryRecordFormat.INSTANCE, null);
		Path file = directory.file("abc");
		Object inode = Files.getAttribute(file, "unix:ino");
		StoredFile base = StoredFile.read(file, "abc", BinaryRecordFormat.INSTANCE);
		writer.write(SessionRecord.apply(first, set("abc", "b", "2")), BinaryRecordFormat.INSTANCE, base);
		StoredFile second = StoredFile.read(file, "abc", BinaryRecordFormat.INSTANCE);
		assertThat(second.slot()).isEqualTo(1 - base.slot());
		assertThat(second.record().version()).isEqualTo(2);
		assertThat(Files.getAttribute(file, "unix:ino")).isEqualTo(inode);
	}

	@Test
	void aRecordThatOutgrowsItsSlotsReplacesTheFileAndMarksTheOldOneGone() throws Exception {
		SessionDirectory directory = new SessionDirectory(this.dir, FileFormat.BINARY);
		SessionFileWriter writer = new SessionFileWriter(directory, false);
		SessionRecord first = SessionRecord.apply(null, create("abc"));
		writer.write(first, BinaryRecordFormat.INSTANCE, null);
		Path file = directory.file("abc");
		StoredFile base = StoredFile.read(file, "abc", BinaryRecordFormat.INSTANCE);
		ByteBuffer old;
		try (FileChannel channel = FileChannel.open(file)) {
			writer.write(SessionRecord.apply(first, set("abc", "big", "x".repeat(8192))), BinaryRecordFormat.INSTANCE,
					base);
			old = ByteBuffer.allocate((int) channel.size());
			channel.read(old, 0);
		}
		assertThat(SlottedFile.isGone(old)).isTrue();
		assertThat(StoredFile.read(file, "abc", BinaryRecordFormat.INSTANCE).record().version()).isEqualTo(2);
		assertThat(temporaryFiles()).isEmpty();
	}

	@Test
	void deleteMarksASlottedFileGoneBeforeDeletingIt() throws Exception {
		SessionDirectory directory = new SessionDirectory(this.dir, FileFormat.BINARY);
		SessionFileWriter writer = new SessionFileWriter(directory, false);
		writer.write(SessionRecord.apply(null, create("abc")), BinaryRecordFormat.INSTANCE, null);
		Path file = directory.file("abc");
		StoredFile stored = StoredFile.read(file, "abc", BinaryRecordFormat.INSTANCE);
		ByteBuffer old;
		try (FileChannel channel = FileChannel.open(file)) {
			writer.delete("abc", stored);
			old = ByteBuffer.allocate((int) channel.size());
			channel.read(old, 0);
		}
		assertThat(file).doesNotExist();
		assertThat(SlottedFile.isGone(old)).isTrue();
	}

	@Test
	void aFailedReplaceLeavesNoTemporaryFile() throws IOException {
		SessionDirectory directory = new SessionDirectory(this.dir, FileFormat.BINARY);
		SessionFileWriter writer = new SessionFileWriter(directory, false);
		Path file = directory.file("abc");
		Files.createDirectories(file);
		Files.write(file.resolve("occupied"), new byte[1]);
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> writer.replace("abc", new byte[1]));
		assertThat(temporaryFiles()).isEmpty();
	}

	@Test
	void onlyStaleTemporaryFilesAreDeleted() throws IOException {
		SessionDirectory directory = new SessionDirectory(this.dir, FileFormat.BINARY);
		SessionFileWriter writer = new SessionFileWriter(directory, false);
		Path stale = Files.write(directory.newTemporaryFile("abc"), new byte[1]);
		Path fresh = Files.write(directory.newTemporaryFile("abc"), new byte[1]);
		Files.setLastModifiedTime(stale,
				FileTime.from(Instant.now().minus(SessionFileWriter.STALE_TEMP_AGE).minus(Duration.ofMinutes(1))));
		writer.deleteIfStale(stale);
		writer.deleteIfStale(fresh);
		writer.deleteIfStale(directory.newTemporaryFile("missing"));
		assertThat(stale).doesNotExist();
		assertThat(fresh).exists();
	}

	private List<Path> temporaryFiles() throws IOException {
		try (Stream<Path> files = Files.list(this.dir)) {
			return files.filter(SessionDirectory::isTemporary).toList();
		}
	}

}
