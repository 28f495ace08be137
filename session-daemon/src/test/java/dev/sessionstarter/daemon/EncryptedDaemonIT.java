package dev.sessionstarter.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.Closeables;
import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonSessionStore;
import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.serialization.EncryptingSessionSerializer;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Encryption at rest over a real daemon process with a storage directory: the daemon only
 * ever holds what the client encrypted, so its files hold no plain value; the session is read
 * back after a restart with the key, and dropped and counted with another key.
 */
class EncryptedDaemonIT {

	private static final String MARKER = "plain-marker-4711";

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@Test
	void theDaemonsFilesHoldNoPlainValue(@TempDir Path dir) throws Exception {
		String port = String.valueOf(DaemonProcess.freePort());
		DaemonProcess daemon = DaemonProcess.start(port, dir.toString());
		StoreSessionRepository repository = repository(client(daemon.address()), key(1));
		StoredSession session = repository.createSession();
		session.setAttribute("mark", MARKER);
		repository.save(session);
		assertThat(daemon.stop()).isEqualTo(143);
		assertThat(filesContaining(dir, "")).as("the daemon wrote its sessions").isNotEmpty();
		assertThat(filesContaining(dir, MARKER)).isEmpty();

		DaemonProcess restarted = DaemonProcess.start(port, dir.toString());
		this.closeables.add(restarted);
		StoreSessionRepository wrongKey = repository(client(restarted.address()), key(2));
		StoreSessionRepository rightKey = repository(client(restarted.address()), key(1));
		assertThat((String) rightKey.findById(session.getId()).getAttribute("mark")).isEqualTo(MARKER);
		assertThat(wrongKey.findById(session.getId())).isNull();
		assertThat(wrongKey.getStatistics().serializationFailures()).isEqualTo(1);
		assertThat(rightKey.findById(session.getId())).as("dropped from the daemon").isNull();
	}

	private static byte[] key(int seed) {
		byte[] key = new byte[32];
		for (int i = 0; i < key.length; i++) {
			key[i] = (byte) (seed * 13 + i);
		}
		return key;
	}

	private static List<Path> filesContaining(Path dir, String text) throws IOException {
		try (Stream<Path> files = Files.walk(dir)) {
			return files.filter(Files::isRegularFile).filter((file) -> read(file).contains(text)).toList();
		}
	}

	private static String read(Path file) {
		try {
			return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private DaemonClient client(DaemonAddress address) {
		DaemonClient client = new DaemonClient(address, Duration.ofSeconds(10), 4, 4, null);
		this.closeables.add(client);
		return client;
	}

	private static StoreSessionRepository repository(DaemonClient client, byte[] key) {
		StoreSessionRepository repository = new StoreSessionRepository(new DaemonSessionStore(client),
				new EncryptingSessionSerializer(new JavaSessionSerializer(List.of(), null), List.of(key)));
		repository.setDecodeOnLoad(true);
		return repository;
	}

}
