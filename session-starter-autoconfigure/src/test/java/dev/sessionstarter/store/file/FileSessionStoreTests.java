package dev.sessionstarter.store.file;

import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.session.FindByIndexNameSessionRepository;

import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.serialization.JsonSessionSerializer;
import dev.sessionstarter.serialization.SessionSerializer;
import dev.sessionstarter.store.MutableClock;
import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.TestSessionChanges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link FileSessionStore} under a {@link StoreSessionRepository}, on a real
 * temporary directory.
 */
class FileSessionStoreTests {

	private static final List<String> TEST_CLASSES = List.of("dev.sessionstarter.store.file.**");

	@TempDir
	Path dir;

	private final List<FileSessionStore> stores = new ArrayList<>();

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	@AfterEach
	void closeStores() {
		this.stores.forEach(FileSessionStore::close);
	}

	@ParameterizedTest
	@EnumSource(FileFormat.class)
	void roundTripsNestedAttributeValues(FileFormat format) {
		StoreSessionRepository repository = repository(format, TEST_CLASSES);
		StoredSession session = repository.createSession();
		Map<String, Object> cart = new LinkedHashMap<>();
		cart.put("items", new ArrayList<>(List.of(new Item("book", 2L), new Item("pen", 10L))));
		cart.put("total", new BigDecimal("12.50"));
		cart.put("tags", new TreeSet<>(List.of("gift", "express")));
		cart.put("nested", new LinkedHashMap<>(Map.of("counts", new ArrayList<>(List.of(1, 2L, 3.5)))));
		session.setAttribute("cart", cart);
		session.setAttribute("name", "Ünïcødé");
		session.setAttribute("visits", 7);
		session.setAttribute("big", Long.MAX_VALUE);
		session.setAttribute("when", Instant.parse("2026-01-01T10:15:30Z"));
		repository.save(session);

		StoredSession loaded = repository(format, TEST_CLASSES).findById(session.getId());

		assertThat(loaded).isNotNull();
		assertThat(loaded.getAttributeNames()).containsExactlyInAnyOrder("cart", "name", "visits", "big", "when");
		assertThat(loaded.<Object>getAttribute("cart")).isEqualTo(cart);
		assertThat(loaded.<Map<String, Object>>getAttribute("cart").get("tags")).isInstanceOf(TreeSet.class);
		assertThat(loaded.<String>getAttribute("name")).isEqualTo("Ünïcødé");
		assertThat(loaded.<Integer>getAttribute("visits")).isEqualTo(7);
		assertThat(loaded.<Long>getAttribute("big")).isEqualTo(Long.MAX_VALUE);
		assertThat(loaded.<Instant>getAttribute("when")).isEqualTo(Instant.parse("2026-01-01T10:15:30Z"));
		assertThat(loaded.getCreationTime()).isEqualTo(session.getCreationTime());
		assertThat(loaded.getMaxInactiveInterval()).isEqualTo(session.getMaxInactiveInterval());
	}

	@Test
	void jsonSessionFileIsIndentedJsonWithReadableValues() throws IOException {
		StoreSessionRepository repository = repository(FileFormat.JSON, TEST_CLASSES);
		StoredSession session = repository.createSession();
		session.setAttribute("cart", new Item("book", 2L));
		session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "alice");
		repository.save(session);

		String json = Files.readString(this.dir.resolve(session.getId() + ".json"));

		assertThat(json).contains("\n  \"id\" : \"" + session.getId() + "\"")
			.contains("\"principalName\" : \"alice\"")
			.contains("\"@type\" : \"" + Item.class.getName() + "\"")
			.contains("\"sku\" : \"book\"")
			.contains("\"expiresAt\" : \"2026-01-01T00:30:00Z\"")
			.doesNotContain("rO0");
	}

	@ParameterizedTest
	@EnumSource(FileFormat.class)
	void changesOfDifferentAttributesByTwoInstancesAreBothKept(FileFormat format) {
		StoreSessionRepository first = repository(format, List.of());
		StoreSessionRepository second = repository(format, List.of());
		StoredSession session = first.createSession();
		session.setAttribute("shared", "initial");
		first.save(session);

		StoredSession inFirst = first.findById(session.getId());
		StoredSession inSecond = second.findById(session.getId());
		inFirst.setAttribute("a", "from first");
		inSecond.setAttribute("b", "from second");
		first.save(inFirst);
		second.save(inSecond);

		StoredSession merged = repository(format, List.of()).findById(session.getId());
		assertThat(merged.getAttributeNames()).containsExactlyInAnyOrder("shared", "a", "b");
		assertThat(merged.<String>getAttribute("a")).isEqualTo("from first");
		assertThat(merged.<String>getAttribute("b")).isEqualTo("from second");
	}

	@Test
	void changeOfSessionIdMovesTheFileAndItsIndexEntry() {
		StoreSessionRepository repository = repository(FileFormat.BINARY, List.of());
		StoredSession session = repository.createSession();
		session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "alice");
		session.setAttribute("cart", "3 items");
		repository.save(session);
		String oldId = session.getId();

		String newId = session.changeSessionId();
		repository.save(session);

		assertThat(this.dir.resolve(oldId + ".session")).doesNotExist();
		assertThat(repository.findById(oldId)).isNull();
		assertThat(repository.findById(newId).<String>getAttribute("cart")).isEqualTo("3 items");
		assertThat(repository.findByPrincipalName("alice")).containsOnlyKeys(newId);
	}

	@Test
	void principalIndexHoldsAcrossRestartsAndFollowsChanges() {
		StoreSessionRepository repository = repository(FileFormat.BINARY, List.of());
		StoredSession alice1 = principalSession(repository, "alice");
		StoredSession alice2 = principalSession(repository, "alice");
		StoredSession bob = principalSession(repository, "bob");

		StoreSessionRepository restarted = repository(FileFormat.BINARY, List.of());
		assertThat(restarted.findByPrincipalName("alice")).containsOnlyKeys(alice1.getId(), alice2.getId());
		assertThat(restarted.findByPrincipalName("bob")).containsOnlyKeys(bob.getId());
		assertThat(restarted.findByPrincipalName("carol")).isEmpty();

		StoredSession renamed = restarted.findById(alice2.getId());
		renamed.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "carol");
		restarted.save(renamed);
		restarted.deleteById(alice1.getId());

		assertThat(repository.findByPrincipalName("alice")).isEmpty();
		assertThat(repository.findByPrincipalName("carol")).containsOnlyKeys(alice2.getId());
	}

	@Test
	void purgeRemovesSessionsByTheirStoredExpiryNotTheFileTime() throws IOException {
		StoreSessionRepository repository = repository(FileFormat.BINARY, List.of());
		List<SessionRecord> expired = new ArrayList<>();
		repository.getStore().setRemovalListener((record, cause) -> {
			if (cause == RemovalCause.EXPIRED) {
				expired.add(record);
			}
		});
		StoredSession shortLived = repository.createSession();
		shortLived.setMaxInactiveInterval(Duration.ofMinutes(5));
		repository.save(shortLived);
		StoredSession longLived = repository.createSession();
		longLived.setMaxInactiveInterval(Duration.ofHours(2));
		repository.save(longLived);
		FileTime longAgo = FileTime.from(Instant.parse("2000-01-01T00:00:00Z"));
		Files.setLastModifiedTime(this.dir.resolve(longLived.getId() + ".session"), longAgo);

		assertThat(repository.purgeExpiredSessions()).isZero();
		this.clock.advance(Duration.ofMinutes(6));
		int removed = repository.purgeExpiredSessions();

		assertThat(removed).isOne();
		assertThat(expired).extracting(SessionRecord::id).containsExactly(shortLived.getId());
		assertThat(this.dir.resolve(shortLived.getId() + ".session")).doesNotExist();
		assertThat(repository.findById(longLived.getId())).isNotNull();
		assertThat(repository.getStore().usage().sessions()).isOne();
	}

	@Test
	void expiredSessionsAreReportedAfterTheirRecordLockIsReleased() throws Exception {
		FileSessionStore store = new FileSessionStore(this.dir, FileFormat.BINARY, false);
		this.stores.add(store);
		LockTable locks = LockTable.open(store.getDirectory());
		List<String> reported = new ArrayList<>();
		store.setRemovalListener((record, cause) -> {
			try (HeldLock free = locks.acquire(record.id(), LockKind.RECORD, 0)) {
				reported.add(record.id() + " " + cause + " " + ((free != null) ? "unlocked" : "locked"));
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});
		try {
			store.save(TestSessionChanges.create("purged"));
			store.save(TestSessionChanges.create("accessed"));
			Instant later = Instant.now().plus(Duration.ofHours(1));
			assertThat(store.deleteIfExpired("accessed", later)).isTrue();
			assertThat(store.purgeExpired(later)).isOne();
		}
		finally {
			locks.close();
		}
		assertThat(reported).containsExactly("accessed EXPIRED unlocked", "purged EXPIRED unlocked");
	}

	@Test
	void expiredSessionIsRemovedOnAccess() {
		StoreSessionRepository repository = repository(FileFormat.JSON, List.of());
		StoredSession session = repository.createSession();
		repository.save(session);

		this.clock.advance(Duration.ofMinutes(31));

		assertThat(repository.findById(session.getId())).isNull();
		assertThat(this.dir.resolve(session.getId() + ".json")).doesNotExist();
		assertThat(repository.getStatistics().expired()).isOne();
	}

	@ParameterizedTest
	@ValueSource(strings = { "../../etc/passwd", "/etc/passwd", "..", ".", "", "a/b", "a\\b", "a\0b", "a.session",
			"..%2F..%2Fsecret", "C:\\Windows\\win.ini", " id", "ïd" })
	void idsThatCouldNameAnotherFileAreNeverReadOrWritten(String id) throws IOException {
		Path sessions = Files.createDirectory(this.dir.resolve("sessions"));
		Files.writeString(this.dir.resolve("secret.session"), "not a session");
		FileSessionStore store = store(sessions, FileFormat.BINARY);
		StoreSessionRepository repository = new StoreSessionRepository(store, serializer(FileFormat.BINARY, List.of()));

		assertThat(repository.findById(id)).isNull();
		repository.deleteById(id);
		assertThat(store.find(id)).isNull();
		assertThat(store.delete(id)).isNull();
		assertThat(store.deleteIfExpired(id, Instant.MAX)).isFalse();
		assertThat(store.path(id)).isNull();

		assertThat(this.dir.resolve("secret.session")).hasContent("not a session");
		try (Stream<Path> files = Files.list(sessions)) {
			assertThat(files.map((path) -> path.getFileName().toString())).containsExactly(LockTable.FILE_NAME);
		}
		assertThat(store.quarantined()).isZero();
	}

	@Test
	void overlongIdIsRejected() {
		FileSessionStore store = store(this.dir, FileFormat.BINARY);
		String id = "a".repeat(129);

		assertThat(store.path(id)).isNull();
		assertThat(store.path("a".repeat(128))).isNotNull();
		assertThatIllegalArgumentException().isThrownBy(() -> store.save(
				new SessionChange(id, null, true, 0, 0L, 1000L, false, null, Map.of())));
	}

	@ParameterizedTest
	@EnumSource(FileFormat.class)
	void corruptTruncatedAndEmptyFilesAreQuarantinedAndCounted(FileFormat format) throws IOException {
		StoreSessionRepository repository = repository(format, List.of());
		String[] ids = new String[3];
		for (int i = 0; i < ids.length; i++) {
			StoredSession session = repository.createSession();
			session.setAttribute("value", "x".repeat(200));
			repository.save(session);
			ids[i] = session.getId();
		}
		Path truncated = this.dir.resolve(ids[0] + format.extension());
		byte[] content = Files.readAllBytes(truncated);
		Files.write(truncated, Arrays.copyOf(content, content.length / 2));
		Files.write(this.dir.resolve(ids[1] + format.extension()), new byte[0]);
		Path corrupt = this.dir.resolve(ids[2] + format.extension());
		byte[] damaged = Files.readAllBytes(corrupt);
		damaged[20] ^= 0x5A; // in the binary layout, inside the record of the only slot written
		damaged[damaged.length / 2] ^= 0x5A;
		damaged[damaged.length / 3] = '{';
		Files.write(corrupt, damaged);

		for (String id : ids) {
			assertThat(repository.findById(id)).isNull();
			assertThat(repository.findById(id)).isNull();
		}

		assertThat(repository.getStatistics().quarantined()).isEqualTo(3);
		try (Stream<Path> quarantined = Files.list(this.dir.resolve(Quarantine.DIR))) {
			assertThat(quarantined).hasSize(3);
		}
		assertThat(repository.getStore().usage().sessions()).isZero();
		StoredSession fresh = repository.createSession();
		repository.save(fresh);
		assertThat(repository.findById(fresh.getId())).isNotNull();
	}

	@ParameterizedTest
	@EnumSource(FileFormat.class)
	void sessionWithAClassNoLongerAllowedIsDroppedAndCounted(FileFormat format) {
		StoreSessionRepository writer = repository(format, TEST_CLASSES);
		StoredSession session = writer.createSession();
		session.setAttribute("cart", new Item("book", 1L));
		session.setAttribute("name", "kept?");
		writer.save(session);

		StoreSessionRepository reader = repository(format, List.of());
		reader.setDecodeOnLoad(true);

		assertThat(reader.findById(session.getId())).isNull();
		assertThat(reader.getStatistics().serializationFailures()).isOne();
		assertThat(this.dir.resolve(session.getId() + format.extension())).doesNotExist();
		assertThat(reader.createSession().getId()).isNotEqualTo(session.getId());
	}

	@Test
	void directoryAndFilesAreReadableByTheOwnerOnly() throws IOException {
		Path sessions = this.dir.resolve("nested/sessions");
		StoreSessionRepository repository = new StoreSessionRepository(store(sessions, FileFormat.BINARY),
				serializer(FileFormat.BINARY, List.of()));
		StoredSession session = repository.createSession();
		repository.save(session);

		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sessions))).isEqualTo("rwx------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
				sessions.resolve(session.getId() + ".session")))).isEqualTo("rw-------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
				sessions.resolve(LockTable.FILE_NAME)))).isEqualTo("rw-------");
	}

	@Test
	void purgeDeletesStaleTemporaryFilesAndIndexMarkersOfMissingSessions() throws IOException {
		StoreSessionRepository repository = repository(FileFormat.BINARY, List.of());
		StoredSession session = principalSession(repository, "alice");
		Path staleTemp = this.dir.resolve(SessionDirectory.TEMP_PREFIX + "abc-1");
		Files.writeString(staleTemp, "half");
		Files.setLastModifiedTime(staleTemp, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
		Path freshTemp = this.dir.resolve(SessionDirectory.TEMP_PREFIX + "abc-2");
		Files.writeString(freshTemp, "being written");
		Files.delete(this.dir.resolve(session.getId() + ".session"));

		repository.purgeExpiredSessions();

		assertThat(staleTemp).doesNotExist();
		assertThat(freshTemp).exists();
		try (Stream<Path> markers = Files.walk(this.dir.resolve(PrincipalIndex.DIR))) {
			assertThat(markers.filter(Files::isRegularFile)).isEmpty();
		}
	}

	@Test
	void strayFilesInThePrincipalIndexDoNotStopThePurge() throws IOException {
		StoreSessionRepository repository = repository(FileFormat.BINARY, List.of());
		principalSession(repository, "alice");
		Path index = this.dir.resolve(PrincipalIndex.DIR);
		try (Stream<Path> principals = Files.list(index)) {
			Files.writeString(principals.findFirst().orElseThrow().resolve("notes.txt"), "not a marker");
		}
		Files.writeString(index.resolve("README"), "not a principal");
		this.clock.advance(Duration.ofHours(1));
		StoredSession bob = principalSession(repository, "bob");

		assertThat(repository.purgeExpiredSessions()).isEqualTo(1);
		assertThat(repository
			.findByIndexNameAndIndexValue(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "bob"))
			.containsOnlyKeys(bob.getId());
	}

	@Test
	void purgeKeepsTheIndexMarkerOfASessionWhoseSaveHoldsItsLock() throws Exception {
		StoreSessionRepository repository = repository(FileFormat.BINARY, List.of());
		StoredSession session = principalSession(repository, "alice");
		FileSessionStore store = (FileSessionStore) repository.getStore();
		Path file = store.getDirectory().resolve(session.getId() + ".session");
		Path aside = store.getDirectory().resolve(SessionDirectory.TEMP_PREFIX + "aside");
		LockTable locks = LockTable.open(store.getDirectory());
		FutureTask<Integer> purge = new FutureTask<>(repository::purgeExpiredSessions);
		Thread purger = new Thread(purge, "purge");
		try {
			// A save that has indexed the session and not yet written its file holds its record lock
			HeldLock saving = locks.acquire(session.getId(), LockKind.RECORD, Long.MAX_VALUE);
			Files.move(file, aside);
			purger.start();
			while (!purge.isDone() && purger.getState() != Thread.State.TIMED_WAITING) {
				Thread.onSpinWait();
			}
			Files.move(aside, file);
			saving.close();
			purge.get(1, TimeUnit.MINUTES);
		}
		finally {
			locks.close();
		}

		assertThat(repository
			.findByIndexNameAndIndexValue(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "alice"))
			.containsOnlyKeys(session.getId());
	}

	@Test
	void fsyncWritesTheSameFiles() {
		FileSessionStore store = new FileSessionStore(this.dir, FileFormat.BINARY, true);
		this.stores.add(store);
		StoreSessionRepository repository = new StoreSessionRepository(store, serializer(FileFormat.BINARY, List.of()));
		StoredSession session = repository.createSession();
		session.setAttribute("a", "b");
		repository.save(session);

		assertThat(repository(FileFormat.BINARY, List.of()).findById(session.getId()).<String>getAttribute("a"))
			.isEqualTo("b");
	}

	private StoredSession principalSession(StoreSessionRepository repository, String principal) {
		StoredSession session = repository.createSession();
		session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, principal);
		repository.save(session);
		return session;
	}

	private StoreSessionRepository repository(FileFormat format, List<String> allowed) {
		StoreSessionRepository repository = new StoreSessionRepository(store(this.dir, format),
				serializer(format, allowed));
		repository.setClock(this.clock);
		return repository;
	}

	private FileSessionStore store(Path directory, FileFormat format) {
		FileSessionStore store = new FileSessionStore(directory, format, false);
		this.stores.add(store);
		return store;
	}

	private static SessionSerializer serializer(FileFormat format, List<String> allowed) {
		return (format == FileFormat.JSON) ? new JsonSessionSerializer(allowed, null)
				: new JavaSessionSerializer(allowed, null);
	}

	record Item(String sku, Long quantity) implements Serializable {

	}

}
