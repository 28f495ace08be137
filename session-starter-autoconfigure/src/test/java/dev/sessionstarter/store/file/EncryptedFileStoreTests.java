package dev.sessionstarter.store.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.serialization.EncryptingSessionSerializer;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.serialization.SessionSerializer;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Encryption at rest on real session files: what the files hold, a file moved to another id,
 * key rotation and a wrong key.
 */
class EncryptedFileStoreTests {

	private static final String MARKER = "plain-text-marker-4711";

	private static final byte[] KEY = key(1);

	private static final byte[] NEW_KEY = key(2);

	@TempDir
	Path dir;

	@TempDir
	Path plainDir;

	private final JavaSessionSerializer plain = new JavaSessionSerializer(List.of(), null);

	private final List<FileSessionStore> stores = new ArrayList<>();

	@AfterEach
	void closeStores() {
		this.stores.forEach(FileSessionStore::close);
	}

	private static byte[] key(int seed) {
		byte[] key = new byte[32];
		for (int i = 0; i < key.length; i++) {
			key[i] = (byte) (seed * 17 + i);
		}
		return key;
	}

	private StoreSessionRepository repository(byte @Nullable []... keys) {
		return repository(this.dir, keys);
	}

	private StoreSessionRepository repository(Path dir, byte @Nullable []... keys) {
		FileSessionStore store = new FileSessionStore(dir, FileFormat.BINARY, false);
		this.stores.add(store);
		SessionSerializer serializer = (keys.length == 0) ? this.plain
				: new EncryptingSessionSerializer(this.plain, List.of(keys));
		return new StoreSessionRepository(store, serializer);
	}

	private String saved(StoreSessionRepository repository, String value) {
		StoredSession session = repository.createSession();
		session.setAttribute("mark", value);
		repository.save(session);
		return session.getId();
	}

	@Test
	void filesHoldNoPlainValue() throws IOException {
		saved(repository(this.plainDir), MARKER);
		assertThat(filesContain(this.plainDir, MARKER)).as("control: an unencrypted file shows the value").isTrue();
		String id = saved(repository(KEY), MARKER);
		assertThat(filesContain(this.dir, MARKER)).isFalse();
		assertThat((String) repository(KEY).findById(id).getAttribute("mark")).isEqualTo(MARKER);
	}

	@Test
	void aRecordMovedToAnotherIdDoesNotDecryptAndIsDropped() {
		StoreSessionRepository repository = repository(KEY);
		String id = saved(repository, MARKER);
		SessionRecord record = repository.getStore().find(id);
		String otherId = "moved-" + id;
		Map<String, byte @Nullable []> attributes = new HashMap<>();
		attributes.put("mark", record.attribute("mark"));
		repository.getStore().save(new SessionChange(otherId, null, true, record.creationTime(),
				record.lastAccessedTime(), record.maxInactiveMillis(), false, null, attributes));

		assertThat(repository.findById(otherId)).isNull();
		assertThat(repository.getStatistics().serializationFailures()).isEqualTo(1);
		assertThat(repository.getStore().find(otherId)).isNull();
		assertThat((String) repository.findById(id).getAttribute("mark")).isEqualTo(MARKER);
	}

	@Test
	void aSessionKeepsItsValuesWhenItsIdChanges() {
		StoreSessionRepository repository = repository(KEY);
		String id = saved(repository, MARKER);
		StoredSession session = repository.findById(id);
		String newId = session.changeSessionId();
		repository.save(session);
		assertThat(repository.findById(id)).isNull();
		assertThat((String) repository.findById(newId).getAttribute("mark")).isEqualTo(MARKER);
	}

	@Test
	void rotationReadsValuesOfThePreviousKeyAndWritesThemUnderTheNewOne() {
		String id = saved(repository(KEY), MARKER);
		StoreSessionRepository rotated = repository(NEW_KEY, KEY);
		StoredSession session = rotated.findById(id);
		assertThat((String) session.getAttribute("mark")).isEqualTo(MARKER);
		rotated.save(session);

		StoreSessionRepository newKeyOnly = repository(NEW_KEY);
		assertThat((String) newKeyOnly.findById(id).getAttribute("mark")).isEqualTo(MARKER);
		assertThat(newKeyOnly.getStatistics().serializationFailures()).isZero();
	}

	@Test
	void aKeyThatCannotDecryptDropsTheSessionAndCountsIt() {
		String id = saved(repository(KEY), MARKER);
		StoreSessionRepository wrong = repository(NEW_KEY);
		assertThat(wrong.findById(id)).isNull();
		assertThat(wrong.getStatistics().serializationFailures()).isEqualTo(1);
		assertThat(wrong.getStore().find(id)).isNull();
	}

	private static boolean filesContain(Path dir, String text) throws IOException {
		byte[] needle = text.getBytes(StandardCharsets.UTF_8);
		try (Stream<Path> files = Files.walk(dir)) {
			return files.filter(Files::isRegularFile).anyMatch((file) -> contains(read(file), needle));
		}
	}

	private static byte[] read(Path file) {
		try {
			return Files.readAllBytes(file);
		}
		catch (IOException ex) {
			return new byte[0];
		}
	}

	private static boolean contains(byte[] haystack, byte[] needle) {
		return new String(haystack, StandardCharsets.ISO_8859_1)
			.contains(new String(needle, StandardCharsets.ISO_8859_1));
	}

}
