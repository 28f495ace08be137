package dev.sessionstarter.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.store.SessionRecord;

import static dev.sessionstarter.store.TestSessionChanges.create;
import static dev.sessionstarter.store.TestSessionChanges.set;
import static dev.sessionstarter.store.TestSessionChanges.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for the {@link SlottedFile two-slot layout} of binary session files as the
 * {@link FileSessionStore} writes and reads it, on real files.
 */
class SlottedFileTests {

	@TempDir
	Path dir;

	private final List<FileSessionStore> stores = new ArrayList<>();

	@AfterEach
	void closeStores() {
		this.stores.forEach(FileSessionStore::close);
	}

	@Test
	void savingTwiceWritesInPlaceIntoAlternatingSlots() throws IOException {
		FileSessionStore store = store();
		store.save(create("one"));
		Path file = store.path("one");
		Object inode = Files.getAttribute(file, "unix:ino");
		long length = Files.size(file);
		assertThat(length % 1024).isZero();
		assertThat(newestSlot(file)).isEqualTo(0);
		store.save(set("one", "b", "2"));
		assertThat(newestSlot(file)).isEqualTo(1);
		store.save(set("one", "c", "3"));
		assertThat(newestSlot(file)).isEqualTo(0);
		assertThat(Files.getAttribute(file, "unix:ino")).isEqualTo(inode);
		assertThat(Files.size(file)).isEqualTo(length);
		assertThat(temporaryFiles()).isEmpty();
		SessionRecord found = store.find("one");
		assertThat(found.version()).isEqualTo(3);
		assertThat(text(found, "b")).isEqualTo("2");
		assertThat(text(found, "c")).isEqualTo("3");
	}

	@Test
	void tornNewestSlotIsIgnoredAndTheNextSaveWritesIntoIt() throws Exception {
		FileSessionStore store = store();
		Path file = savedTwice(store);
		int torn = newestSlot(file);
		assertThat(torn).isEqualTo(1);
		corruptRecord(file, torn);
		SessionRecord found = store.find("one");
		assertThat(found.version()).isEqualTo(1);
		assertThat(found.attribute("b")).isNull();
		assertThat(store.quarantined()).isZero();
		assertThat(quarantineDir()).doesNotExist();
		SessionRecord saved = store.save(set("one", "c", "3"));
		assertThat(saved.version()).isEqualTo(2);
		assertThat(newestSlot(file)).isEqualTo(torn);
		ByteBuffer content = ByteBuffer.wrap(Files.readAllBytes(file));
		assertThat(SlottedFile.read(content, BinaryRecordFormat.INSTANCE).slot()).isEqualTo(torn);
		// both slots whole again: the older one still decodes when the newest is torn
		corruptRecord(file, torn);
		assertThat(store.find("one").version()).isEqualTo(1);
		store.save(set("one", "d", "4"));
		assertThat(store.find("one").version()).isEqualTo(2);
		assertThat(text(store.find("one"), "d")).isEqualTo("4");
		assertThat(store.quarantined()).isZero();
	}

	@Test
	void fileWithBothSlotsCorruptIsQuarantinedAndCounted() throws IOException {
		FileSessionStore store = store();
		Path file = savedTwice(store);
		corruptRecord(file, 0);
		corruptRecord(file, 1);
		assertThat(store.find("one")).isNull();
		assertThat(store.quarantined()).isEqualTo(1);
		assertThat(file).doesNotExist();
		try (Stream<Path> quarantined = Files.list(quarantineDir())) {
			assertThat(quarantined).hasSize(1);
		}
		assertThat(store.find("one")).isNull();
		assertThat(store.quarantined()).isEqualTo(1);
	}

	@Test
	void fileOfThePreviousLayoutIsReadAndRewrittenInTheSlottedLayout() throws IOException {
		FileSessionStore store = store();
		long now = System.currentTimeMillis();
		SessionRecord old = new SessionRecord("one", now, now, Duration.ofMinutes(30).toMillis(), null,
				new String[] { "a" }, new byte[][] { "123".getBytes(StandardCharsets.UTF_8) }, 5);
		Path file = store.path("one");
		Files.write(file, BinaryRecordFormat.INSTANCE.encode(old));
		SessionRecord found = store.find("one");
		assertThat(found.version()).isEqualTo(5);
		assertThat(text(found, "a")).isEqualTo("123");
		SessionRecord saved = store.save(set("one", "b", "2"));
		assertThat(saved.version()).isEqualTo(6);
		byte[] content = Files.readAllBytes(file);
		assertThat(content.length % 1024).isZero();
		assertThat(ByteBuffer.wrap(content).getInt(0)).isEqualTo(SlottedFile.MAGIC);
		SessionRecord reread = store().find("one");
		assertThat(reread.version()).isEqualTo(6);
		assertThat(text(reread, "a")).isEqualTo("123");
		assertThat(text(reread, "b")).isEqualTo("2");
		assertThat(temporaryFiles()).isEmpty();
	}

	@Test
	void sessionThatOutgrowsItsSlotsGetsANewFileAndTheOldOneIsMarkedGone() throws IOException {
		FileSessionStore store = store();
		store.save(create("one"));
		Path file = store.path("one");
		Object inode = Files.getAttribute(file, "unix:ino");
		long length = Files.size(file);
		ByteBuffer oldContent = oldFileAfter(file, () -> store.save(set("one", "big", "x".repeat(8192))));
		assertThat(oldContent.getInt(0)).isEqualTo(GoneMarks.GONE);
		assertThat(oldContent.getInt((int) length / 2)).isEqualTo(GoneMarks.GONE);
		assertThat(GoneMarks.isGone(oldContent)).isTrue();
		assertThat(Files.getAttribute(file, "unix:ino")).isNotEqualTo(inode);
		assertThat(Files.size(file)).isGreaterThan(length);
		assertThat(Files.size(file) % 1024).isZero();
		assertThat(text(store.find("one"), "big")).hasSize(8192);
		assertThat(temporaryFiles()).isEmpty();
	}

	@Test
	void deletedFileIsMarkedGoneBeforeItIsUnlinked() throws IOException {
		FileSessionStore store = store();
		store.save(create("one"));
		Path file = store.path("one");
		ByteBuffer oldContent = oldFileAfter(file, () -> assertThat(store.delete("one")).isNotNull());
		assertThat(GoneMarks.isGone(oldContent)).isTrue();
		assertThat(file).doesNotExist();
	}

	@Test
	void replacementWhoseWriterDiedAfterMarkingTheOldFileGoneIsCompletedFromItsTemporaryFile() throws IOException {
		leaveReplacementMarkedGone(store(), "one");
		Files.write(this.dir.resolve(SessionDirectory.TEMP_PREFIX + "one-bad"), new byte[100]);

		FileSessionStore restarted = store();
		SessionRecord found = restarted.find("one");
		assertThat(found).isNotNull();
		assertThat(found.version()).isEqualTo(3);
		assertThat(text(found, "big")).hasSize(8192);
		assertThat(text(found, "b")).isEqualTo("2");
		assertThat(restarted.quarantined()).isZero();
		assertThat(temporaryFiles()).extracting((path) -> path.getFileName().toString())
			.containsExactly(SessionDirectory.TEMP_PREFIX + "one-bad");
	}

	@Test
	void purgeCompletesReplacementsLeftMarkedGoneBeforeItDeletesTheirOldTemporaryFiles() throws IOException {
		// several sessions, so that some temporary file is listed before its session's file
		FileSessionStore store = store();
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			String id = "s" + i;
			ids.add(id);
			Path temp = leaveReplacementMarkedGone(store, id);
			Files.setLastModifiedTime(temp, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
		}

		FileSessionStore restarted = store();
		assertThat(restarted.purgeExpired(Instant.now())).isZero();
		for (String id : ids) {
			SessionRecord found = restarted.find(id);
			assertThat(found).as(id).isNotNull();
			assertThat(found.version()).as(id).isEqualTo(3);
			assertThat(text(found, "big")).hasSize(8192);
		}
		assertThat(temporaryFiles()).isEmpty();
	}

	@Test
	void binaryRecordFormatDecodesTheNewestRecordOfATwoSlotFileAndRefusesOneMarkedGone() throws Exception {
		FileSessionStore store = store();
		Path file = savedTwice(store);
		RecordFormat format = RecordFormat.of(FileFormat.BINARY);
		SessionRecord decoded = format.decode(Files.readAllBytes(file));
		assertThat(decoded.version()).isEqualTo(2);
		assertThat(text(decoded, "b")).isEqualTo("2");
		markGone(file, 0, 1);
		assertThatExceptionOfType(CorruptSessionFileException.class)
			.isThrownBy(() -> format.decode(Files.readAllBytes(file)));
	}

	@Test
	void fileLeftMarkedGoneWithoutANewerTemporaryFileIsRestoredAsItWas() throws IOException {
		// a delete, or a replacement whose temporary file was never whole, that never completed
		FileSessionStore store = store();
		Path file = savedTwice(store);
		markGone(file, 0, 1);

		FileSessionStore restarted = store();
		SessionRecord found = restarted.find("one");
		assertThat(found).isNotNull();
		assertThat(found.version()).isEqualTo(2);
		assertThat(text(found, "b")).isEqualTo("2");
		assertThat(GoneMarks.isGone(ByteBuffer.wrap(Files.readAllBytes(file)))).isFalse();
		assertThat(restarted.quarantined()).isZero();
		restarted.save(set("one", "c", "3"));
		assertThat(text(store().find("one"), "c")).isEqualTo("3");
		assertThat(restarted.delete("one")).isNotNull();
		assertThat(file).doesNotExist();
	}

	@Test
	void writerThatDiesBetweenItsTwoGoneMarksLeavesTheNewestRecordReadable() throws IOException {
		FileSessionStore store = store();
		store.save(create("one"));
		store.save(set("one", "b", "2"));
		store.save(set("one", "c", "3"));
		Path file = store.path("one");
		assertThat(newestSlot(file)).isZero();
		markGone(file, GoneMarks.goneMarkOrder(0)[0]);

		SessionRecord found = store().find("one");
		assertThat(found.version()).isEqualTo(3);
		assertThat(text(found, "c")).isEqualTo("3");
	}

	private FileSessionStore store() {
		FileSessionStore store = new FileSessionStore(this.dir, FileFormat.BINARY, false);
		this.stores.add(store);
		return store;
	}

	/**
	 * Create session {@code one} and save it once more (attribute {@code b} = "2"), so both
	 * slots of its file hold a record, the newest (version 2) in slot 1.
	 * @return its file
	 */
	private static Path savedTwice(FileSessionStore store) {
		store.save(create("one"));
		store.save(set("one", "b", "2"));
		return store.path("one");
	}

	/**
	 * Return the slot whose header names the higher version, read from the file as written.
	 */
	static int newestSlot(Path file) throws IOException {
		ByteBuffer content = ByteBuffer.wrap(Files.readAllBytes(file));
		int capacity = content.limit() / 2;
		long first = slotVersion(content, 0);
		long second = slotVersion(content, capacity);
		return (second > first) ? 1 : 0;
	}

	private static long slotVersion(ByteBuffer content, int offset) {
		if (content.getInt(offset) != SlottedFile.MAGIC) {
			return -1;
		}
		return content.getLong(offset + SlottedFile.SLOT_HEADER + 4);
	}

	/**
	 * Flip bytes at the end of a slot's record, leaving its header and version intact as a
	 * writer that died half-way would.
	 */
	static void corruptRecord(Path file, int slot) throws IOException {
		byte[] bytes = Files.readAllBytes(file);
		ByteBuffer content = ByteBuffer.wrap(bytes);
		int offset = slot * (bytes.length / 2);
		int length = content.getInt(offset + 4);
		int end = offset + SlottedFile.SLOT_HEADER + length;
		for (int i = end - 3; i < end; i++) {
			bytes[i] ^= 0x5A;
		}
		Files.write(file, bytes);
	}

	/**
	 * Return what the file at a path holds after a change that replaces or deletes it, read
	 * through a channel opened before the change, so from the old file.
	 */
	static ByteBuffer oldFileAfter(Path file, Runnable change) throws IOException {
		try (FileChannel old = FileChannel.open(file, StandardOpenOption.READ)) {
			change.run();
			ByteBuffer content = ByteBuffer.allocate((int) old.size());
			old.read(content, 0);
			return content;
		}
	}

	/**
	 * Leave what a writer killed while replacing a session's file with a larger one leaves: the
	 * session (version 2, attribute b=2) marked gone in both slots, and a whole temporary file
	 * holding version 3, which adds an 8,192-character attribute "big".
	 * @return the temporary file
	 */
	private Path leaveReplacementMarkedGone(FileSessionStore store, String id) throws IOException {
		store.save(create(id));
		store.save(set(id, "b", "2"));
		SessionRecord replacement = SessionRecord.apply(store.find(id), set(id, "big", "x".repeat(8192)));
		Path temp = this.dir.resolve(SessionDirectory.TEMP_PREFIX + id + "-5eed");
		Files.write(temp, SlottedFile.create(BinaryRecordFormat.INSTANCE.encode(replacement)).array());
		markGone(store.path(id), 0, 1);
		return temp;
	}

	/**
	 * Mark slots of a file gone, as a writer about to replace or delete it does.
	 */
	private static void markGone(Path file, int... slots) throws IOException {
		byte[] bytes = Files.readAllBytes(file);
		ByteBuffer content = ByteBuffer.wrap(bytes);
		for (int slot : slots) {
			content.putInt(slot * (bytes.length / 2), GoneMarks.GONE);
		}
		Files.write(file, bytes);
	}

	private Path quarantineDir() {
		return this.dir.resolve(Quarantine.DIR);
	}

	private List<Path> temporaryFiles() throws IOException {
		try (Stream<Path> files = Files.list(this.dir)) {
			return files.filter((path) -> path.getFileName().toString().startsWith(SessionDirectory.TEMP_PREFIX))
				.toList();
		}
	}

}
