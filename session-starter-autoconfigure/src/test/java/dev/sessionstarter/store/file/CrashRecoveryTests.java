package dev.sessionstarter.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.store.SessionRecord;

import static dev.sessionstarter.store.TestSessionChanges.create;
import static dev.sessionstarter.store.TestSessionChanges.set;
import static dev.sessionstarter.store.TestSessionChanges.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CrashRecovery}: what a writer killed between marking a file gone and
 * replacing or deleting it leaves, repaired.
 */
class CrashRecoveryTests {

	@TempDir
	Path dir;

	private final List<String> warnings = new ArrayList<>();

	private SessionDirectory directory;

	private SessionFileWriter writer;

	private CrashRecovery recovery;

	private Path file;

	private SessionRecord stored;

	@BeforeEach
	void writeASessionMarkedGone() throws Exception {
		this.directory = new SessionDirectory(this.dir, FileFormat.BINARY);
		this.writer = new SessionFileWriter(this.directory, false);
		this.recovery = new CrashRecovery(this.directory, BinaryRecordFormat.INSTANCE, this.writer, this.warnings::add);
		this.stored = SessionRecord.apply(null, create("abc"));
		this.writer.write(this.stored, BinaryRecordFormat.INSTANCE, null);
		this.file = this.directory.file("abc");
		GoneMarks.markGone(this.file, StoredFile.read(this.file, "abc", BinaryRecordFormat.INSTANCE));
	}

	@Test
	void theReplacementIsCompletedFromTheNewestWholeTemporaryFile() throws Exception {
		SessionRecord newer = SessionRecord.apply(this.stored, set("abc", "b", "2"));
		SessionRecord newest = SessionRecord.apply(newer, set("abc", "b", "3"));
		Files.write(this.directory.newTemporaryFile("abc"), slotted(newer));
		Path newestTemp = Files.write(this.directory.newTemporaryFile("abc"), slotted(newest));
		Files.write(this.directory.newTemporaryFile("abc"), new byte[1024]);
		StoredFile recovered = this.recovery.recover("abc", this.file, marked());
		assertThat(text(recovered.record(), "b")).isEqualTo("3");
		assertThat(newestTemp).doesNotExist();
		assertThat(StoredFile.read(this.file, "abc", BinaryRecordFormat.INSTANCE).record().version()).isEqualTo(3);
		assertThat(this.warnings).singleElement().asString().contains("completed the replacement");
	}

	@Test
	void withoutANewerTemporaryFileTheFileIsRestoredAsItWas() throws Exception {
		Files.write(this.directory.newTemporaryFile("abc"), slotted(this.stored));
		StoredFile recovered = this.recovery.recover("abc", this.file, marked());
		assertThat(recovered.record().version()).isEqualTo(1);
		assertThat(StoredFile.read(this.file, "abc", BinaryRecordFormat.INSTANCE).record().version()).isEqualTo(1);
		assertThat(this.warnings).singleElement().asString().contains("restored it as it was");
	}

	@Test
	void aFileWithNoWholeRecordIsDeleted() throws Exception {
		ByteBuffer torn = ByteBuffer.wrap(Files.readAllBytes(this.file));
		torn.put(SlottedFile.SLOT_HEADER + 20, (byte) (torn.get(SlottedFile.SLOT_HEADER + 20) ^ 0x55));
		Files.write(this.file, torn.array());
		assertThat(this.recovery.recover("abc", this.file, marked())).isNull();
		assertThat(this.file).doesNotExist();
	}

	private ByteBuffer marked() throws IOException {
		try {
			StoredFile.read(this.file, "abc", BinaryRecordFormat.INSTANCE);
		}
		catch (MarkedGoneException ex) {
			return ex.file;
		}
		catch (CorruptSessionFileException ex) {
			throw new AssertionError(ex);
		}
		throw new AssertionError("not marked gone");
	}

	private static byte[] slotted(SessionRecord record) {
		return SlottedFile.create(BinaryRecordFormat.INSTANCE.encode(record)).array();
	}

}
