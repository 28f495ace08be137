package dev.sessionstarter.store.file;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.session.FindByIndexNameSessionRepository;

import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests of entries in a session directory that are not readable regular files, and of links
 * that point out of it (issue 14, items 5 and 6): each is treated as no session and counted,
 * never read without a bound, never blocks a thread, never makes the store read or write a
 * file outside its directory, and the purge goes on past it. On real files: a directory, a
 * FIFO, a mode-000 file, a link to {@code /dev/zero}, a sparse file of several GB.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileEntriesTests {

	private static final long SPARSE_SIZE = 3L << 30;

	@TempDir
	Path dir;

	@TempDir
	Path outside;

	private final List<FileSessionStore> stores = new ArrayList<>();

	private final List<Path> fifos = new ArrayList<>();

	@AfterEach
	void close() {
		this.stores.forEach(FileSessionStore::close);
		// a reader blocked in opening a FIFO (the old behaviour) is let go by a writer
		for (Path fifo : this.fifos) {
			Thread writer = new Thread(() -> {
				try {
					Files.newOutputStream(fifo, StandardOpenOption.WRITE).close();
				}
				catch (IOException ex) {
					// removed or moved: nobody waits on it
				}
			});
			writer.setDaemon(true);
			writer.start();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "directory", "fifo", "dev-zero-link", "sparse", "garbage", "outside-link" })
	void entryThatIsNoReadableSessionFileIsNoSessionAndIsCounted(String kind) throws Exception {
		FileSessionStore store = store();
		String id = "hostile-" + kind;
		Path entry = make(kind, store.path(id));

		assertThat(store.find(id)).isNull();
		assertThat(store.version(id)).isNull();
		assertThat(store.open(id)).isNull();
		assertThat(store.quarantined()).isOne();
		assertThat(Files.exists(entry, LinkOption.NOFOLLOW_LINKS)).as("still in place").isFalse();
		assertThat(store.find(id)).isNull();
		assertThatNoException().isThrownBy(store::usage);
	}

	@Test
	void unreadableFileIsNoSessionAndIsCounted() throws Exception {
		assumeThat(System.getProperty("user.name")).as("root reads a mode-000 file").isNotEqualTo("root");
		FileSessionStore store = store();
		StoredSession session = saved(store);
		Files.setPosixFilePermissions(store.path(session.getId()), PosixFilePermissions.fromString("---------"));

		assertThat(store.find(session.getId())).isNull();
		assertThat(store.quarantined()).isOne();
	}

	@Test
	void purgeGoesPastEveryEntryThatIsNoReadableSessionFile() throws Exception {
		FileSessionStore store = store();
		StoreSessionRepository repository = repository(store);
		List<String> expired = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			StoredSession session = repository.createSession();
			session.setMaxInactiveInterval(Duration.ofSeconds(1));
			repository.save(session);
			expired.add(session.getId());
		}
		for (String kind : List.of("directory", "fifo", "dev-zero-link", "sparse", "garbage", "outside-link")) {
			make(kind, store.path("hostile-" + kind));
		}

		int removed = store.purgeExpired(Instant.now().plusSeconds(60));

		assertThat(removed).isEqualTo(expired.size());
		expired.forEach((id) -> assertThat(store.path(id)).doesNotExist());
		assertThat(store.quarantined()).isEqualTo(6);
	}

	@Test
	void sessionFileLinkedOutOfTheDirectoryIsNeitherReadNorWrittenThrough() throws Exception {
		FileSessionStore store = store();
		StoreSessionRepository repository = repository(store);
		StoredSession session = saved(store);
		Path target = this.outside.resolve("victim");
		Files.move(store.path(session.getId()), target);
		byte[] before = Files.readAllBytes(target);
		Files.createSymbolicLink(store.path(session.getId()), target);

		StoredSession found = repository.findById(session.getId());
		if (found != null) {
			found.setAttribute("written", "through the link");
			repository.save(found);
		}
		session.setAttribute("written", "through the link");
		repository.save(session);

		assertThat(found).as("session read through a link").isNull();
		assertThat(Files.readAllBytes(target)).as("file outside the directory").isEqualTo(before);
		assertThat(store.path(session.getId())).satisfies((path) -> assertThat(Files.isSymbolicLink(path)).isFalse());
	}

	@Test
	void lockFileLinkedOutOfTheDirectoryIsRefused() throws Exception {
		Path target = this.outside.resolve("lock");
		Files.createSymbolicLink(this.dir.resolve(LockTable.FILE_NAME), target);
		try {
			FileSessionStore store = store();
			try (FileSessionLockManager locks = new FileSessionLockManager(store)) {
				locks.tryLock("session-1", Duration.ofSeconds(1));
			}
		}
		catch (RuntimeException ex) {
			assertThat(ex).hasMessageContaining(LockTable.FILE_NAME);
		}
		assertThat(target).doesNotExist();
	}

	@Test
	void indexAndQuarantineFoldersLinkedOutOfTheDirectoryAreNotWrittenThrough() throws Exception {
		Files.createSymbolicLink(this.dir.resolve(PrincipalIndex.DIR), this.outside);
		Files.createSymbolicLink(this.dir.resolve(Quarantine.DIR), this.outside);
		FileSessionStore store = store();
		StoreSessionRepository repository = repository(store);
		StoredSession session = repository.createSession();
		session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "alice");
		try {
			repository.save(session);
		}
		catch (RuntimeException ex) {
			// refusing the save is fine; writing outside is not
		}
		Files.write(store.path("garbage"), new byte[] { 1, 2, 3 });
		try {
			store.find("garbage");
		}
		catch (RuntimeException ex) {
			// refusing is fine; moving the file outside is not
		}
		try (var files = Files.list(this.outside)) {
			assertThat(files).as("files written outside the directory").isEmpty();
		}
	}

	private Path make(String kind, Path path) throws IOException, InterruptedException {
		switch (kind) {
			case "directory" -> Files.createDirectory(path);
			case "fifo" -> {
				Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
				assertThat(mkfifo.waitFor(30, TimeUnit.SECONDS)).isTrue();
				assertThat(mkfifo.exitValue()).isZero();
				this.fifos.add(path);
			}
			case "dev-zero-link" -> Files.createSymbolicLink(path, Path.of("/dev/zero"));
			case "sparse" -> {
				try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
					file.setLength(SPARSE_SIZE);
				}
			}
			case "garbage" -> Files.write(path, new byte[] { 'n', 'o', 't', ' ', 'a', ' ', 's', 'e', 's', 's' });
			case "outside-link" -> {
				Path target = this.outside.resolve(path.getFileName());
				Files.write(target, new byte[] { 1, 2, 3 });
				Files.createSymbolicLink(path, target);
			}
			default -> throw new IllegalArgumentException(kind);
		}
		return path;
	}

	private StoredSession saved(FileSessionStore store) {
		StoreSessionRepository repository = repository(store);
		StoredSession session = repository.createSession();
		session.setAttribute("a", "b");
		repository.save(session);
		return repository.findById(session.getId());
	}

	private FileSessionStore store() {
		FileSessionStore store = new FileSessionStore(this.dir, FileFormat.BINARY, false);
		this.stores.add(store);
		return store;
	}

	private static StoreSessionRepository repository(FileSessionStore store) {
		StoreSessionRepository repository = new StoreSessionRepository(store,
				new JavaSessionSerializer(List.of(), null));
		repository.setDefaultMaxInactiveInterval(Duration.ofHours(1));
		return repository;
	}

}
