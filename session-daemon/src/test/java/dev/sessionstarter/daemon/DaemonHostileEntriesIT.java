package dev.sessionstarter.daemon;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sessionstarter.Closeables;
import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonSessionStore;
import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.file.FileSessionStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Entries of the daemon's storage directory that are no session files, under a session's name:
 * a directory, a FIFO, a link to {@code /dev/zero}, a sparse file of many GB, a link to a
 * session file outside. Placed before the daemon starts or while it runs, each is set aside in
 * the quarantine and logged, never read without a bound, never blocks the start, and no load or
 * write of the daemon follows a link out of the directory.
 */
class DaemonHostileEntriesIT {

	private static final Duration TIMEOUT = Duration.ofMillis(2000);

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@ParameterizedTest
	@EnumSource(Hostile.class)
	void anEntryThatIsNoSessionFileIsQuarantinedOnStart(Hostile hostile, @TempDir Path temp) throws Exception {
		Path dir = Files.createDirectory(temp.resolve("sessions"));
		Path outside = Files.createDirectory(temp.resolve("outside"));
		String good = writeSession(dir);
		String outsideId = writeSession(outside);
		byte[] outsideContent = Files.readAllBytes(outside.resolve(outsideId + ".session"));
		Path entry = hostile.create(dir, "hostile-1", outside.resolve(outsideId + ".session"));
		DaemonProcess daemon = start(String.valueOf(DaemonProcess.freePort()), dir.toString());
		assertThat(daemon.output()).contains("1 sessions loaded from").contains("1 unreadable entries quarantined")
			.contains(entry.getFileName().toString());
		assertThat(Files.exists(entry, LinkOption.NOFOLLOW_LINKS)).isFalse();
		assertThat(quarantined(dir)).anyMatch((name) -> name.startsWith(entry.getFileName() + "."));
		StoreSessionRepository repository = repository(client(daemon.address()));
		assertThat(repository.findById(good)).isNotNull();
		assertThat(repository.findById(outsideId)).as("a session outside the directory").isNull();
		assertThat(Files.readAllBytes(outside.resolve(outsideId + ".session"))).isEqualTo(outsideContent);
		assertThat(daemon.stop()).isEqualTo(143);
	}

	@Test
	void entriesPlacedWhileTheDaemonRunsAreNeitherWrittenThroughNorLoaded(@TempDir Path temp) throws Exception {
		Path dir = Files.createDirectory(temp.resolve("sessions"));
		Path outside = Files.createDirectory(temp.resolve("outside"));
		Path victim = Files.writeString(outside.resolve("victim.txt"), "not the daemon's");
		String outsideId = writeSession(outside);
		Path outsideFile = outside.resolve(outsideId + ".session");
		String port = String.valueOf(DaemonProcess.freePort());
		DaemonProcess daemon = start(port, "--flush-interval=50ms", dir.toString());
		StoreSessionRepository repository = repository(client(daemon.address()));
		String linked = save(repository, null, 1);
		String shadowed = save(repository, null, 1);
		await().atMost(Duration.ofSeconds(30)).until(() -> Files.isRegularFile(dir.resolve(shadowed + ".session")));
		Files.delete(dir.resolve(linked + ".session"));
		Files.createSymbolicLink(dir.resolve(linked + ".session"), victim);
		Files.delete(dir.resolve(shadowed + ".session"));
		Files.createDirectories(dir.resolve(shadowed + ".session").resolve("inside"));
		Files.createSymbolicLink(dir.resolve(".clean-stop"), victim);
		List<Path> entries = new ArrayList<>();
		for (Hostile hostile : Hostile.values()) {
			entries.add(hostile.create(dir, "hostile-" + hostile.ordinal(), outsideFile));
		}
		save(repository, linked, 2);
		save(repository, shadowed, 2);
		await("both sessions written as regular files").atMost(Duration.ofSeconds(30))
			.until(() -> Files.isRegularFile(dir.resolve(linked + ".session"), LinkOption.NOFOLLOW_LINKS)
					&& Files.isRegularFile(dir.resolve(shadowed + ".session"), LinkOption.NOFOLLOW_LINKS));
		assertThat(Files.readString(victim)).isEqualTo("not the daemon's");
		assertThat(daemon.stop()).isEqualTo(143);
		assertThat(Files.readString(victim)).as("the clean-stop marker is not written through a link")
			.isEqualTo("not the daemon's");
		DaemonProcess restarted = start(port, dir.toString());
		assertThat(restarted.output()).contains("2 sessions loaded");
		StoreSessionRepository after = repository(client(restarted.address()));
		assertThat((Integer) after.findById(linked).getAttribute("n")).isEqualTo(2);
		assertThat((Integer) after.findById(shadowed).getAttribute("n")).isEqualTo(2);
		assertThat(after.findById(outsideId)).isNull();
		for (Path entry : entries) {
			assertThat(Files.exists(entry, LinkOption.NOFOLLOW_LINKS)).as(entry.toString()).isFalse();
			assertThat(restarted.output()).contains(entry.getFileName().toString());
		}
		assertThat(quarantined(dir)).anyMatch((name) -> name.startsWith(shadowed + ".session."));
		assertThat(Files.readString(victim)).isEqualTo("not the daemon's");
		assertThat(restarted.stop()).isEqualTo(143);
	}

	private static String save(StoreSessionRepository repository, String id, int n) {
		StoredSession session = (id != null) ? repository.findById(id) : repository.createSession();
		session.setAttribute("n", n);
		repository.save(session);
		return session.getId();
	}

	/**
	 * Write one session with the file store, as the daemon would, and return its id.
	 */
	private static String writeSession(Path dir) {
		try (FileSessionStore store = new FileSessionStore(dir, FileFormat.BINARY, false)) {
			StoreSessionRepository files = new StoreSessionRepository(store, new JavaSessionSerializer(List.of(), null));
			return save(files, null, 1);
		}
	}

	private static List<String> quarantined(Path dir) throws Exception {
		try (Stream<Path> files = Files.list(dir.resolve(".quarantine"))) {
			return files.map((file) -> file.getFileName().toString()).toList();
		}
	}

	private DaemonProcess start(String listenOn, String... arguments) throws Exception {
		DaemonProcess daemon = DaemonProcess.start(listenOn, arguments);
		this.closeables.add(daemon);
		return daemon;
	}

	private DaemonClient client(DaemonAddress address) {
		DaemonClient client = new DaemonClient(address, TIMEOUT, 8, 8, null);
		this.closeables.add(client);
		return client;
	}

	private static StoreSessionRepository repository(DaemonClient client) {
		StoreSessionRepository repository = new StoreSessionRepository(new DaemonSessionStore(client),
				new JavaSessionSerializer(List.of(), null));
		repository.setDecodeOnLoad(true);
		return repository;
	}

	/**
	 * What a session file's name may hold instead of a session file.
	 */
	enum Hostile {

		DIRECTORY {
			@Override
			void make(Path entry, Path outsideSession) throws Exception {
				Files.createDirectories(entry.resolve("inside"));
			}
		},

		FIFO {
			@Override
			void make(Path entry, Path outsideSession) throws Exception {
				Process mkfifo = new ProcessBuilder("mkfifo", entry.toString()).inheritIO().start();
				assertThat(mkfifo.waitFor(30, TimeUnit.SECONDS)).isTrue();
				assertThat(mkfifo.exitValue()).isZero();
			}
		},

		LINK_TO_DEV_ZERO {
			@Override
			void make(Path entry, Path outsideSession) throws Exception {
				Files.createSymbolicLink(entry, Path.of("/dev/zero"));
			}
		},

		SPARSE_3_GB {
			@Override
			void make(Path entry, Path outsideSession) throws Exception {
				try (RandomAccessFile file = new RandomAccessFile(entry.toFile(), "rw")) {
					file.setLength(3L * 1024 * 1024 * 1024);
				}
			}
		},

		LINK_TO_A_SESSION_OUTSIDE {
			@Override
			Path create(Path dir, String id, Path outsideSession) throws Exception {
				// named after the session outside, so that following the link would load it
				Path entry = dir.resolve(outsideSession.getFileName());
				Files.createSymbolicLink(entry, outsideSession);
				return entry;
			}

			@Override
			void make(Path entry, Path outsideSession) {
			}
		};

		Path create(Path dir, String id, Path outsideSession) throws Exception {
			Path entry = dir.resolve(id + ".session");
			make(entry, outsideSession);
			return entry;
		}

		abstract void make(Path entry, Path outsideSession) throws Exception;

	}

}
