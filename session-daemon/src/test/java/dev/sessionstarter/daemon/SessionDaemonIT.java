package dev.sessionstarter.daemon;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.session.FindByIndexNameSessionRepository;

import dev.sessionstarter.Closeables;
import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonSessionStore;
import dev.sessionstarter.daemon.client.DaemonUnavailableException;
import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.daemon.protocol.DaemonStats;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionTooLargeException;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The daemon as a process: started from the built jar on a free port and on a socket path,
 * serving one state to every client, with a token, in lock-only mode, and its command line.
 */
class SessionDaemonIT {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@Test
	void runsFromTheBuiltJarWhenPackaged() {
		String jar = System.getProperty("session-daemon.jar");
		if (jar != null) {
			assertThat(Path.of(jar)).isRegularFile();
			assertThat(DaemonProcess.command()).contains("-jar", jar);
		}
	}

	@Test
	void servesSessionsOnALoopbackPort() throws Exception {
		DaemonProcess daemon = start(String.valueOf(DaemonProcess.freePort()));
		assertServesSessions(daemon.address());
	}

	@Test
	void servesSessionsOnAUnixSocketOnlyItsOwnerCanUse() throws Exception {
		Path socket = DaemonProcess.socketPath("sessions.sock");
		DaemonProcess daemon = start(socket.toString());
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
		assertServesSessions(daemon.address());
		daemon.stop();
		assertThat(socket).doesNotExist();
	}

	@Test
	void replacesTheStaleSocketOfAKilledDaemon() throws Exception {
		Path socket = DaemonProcess.socketPath("stale.sock");
		DaemonProcess first = start(socket.toString());
		first.kill();
		assertThat(socket).exists();
		DaemonProcess second = start(socket.toString());
		assertThat(second.output()).contains("Removed the stale socket");
		client(second.address(), null).ping();
	}

	private void assertServesSessions(DaemonAddress address) {
		StoreSessionRepository repository = repository(address);
		StoredSession session = repository.createSession();
		session.setAttribute("cart", List.of("book", "pen"));
		session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "alice");
		repository.save(session);
		StoredSession found = repository.findById(session.getId());
		assertThat(found).isNotNull();
		assertThat((Object) found.getAttribute("cart")).isEqualTo(List.of("book", "pen"));
		assertThat(repository.findByPrincipalName("alice")).containsOnlyKeys(session.getId());
		String oldId = session.getId();
		String newId = found.changeSessionId();
		repository.save(found);
		assertThat(repository.findById(oldId)).isNull();
		assertThat(repository.findByPrincipalName("alice")).containsOnlyKeys(newId);
		repository.deleteById(newId);
		assertThat(repository.findById(newId)).isNull();
		assertThat(repository.findByPrincipalName("alice")).isEmpty();
	}

	@Test
	void everyConnectionSeesTheSameSessions() throws Exception {
		DaemonProcess daemon = start(String.valueOf(DaemonProcess.freePort()));
		StoreSessionRepository first = repository(daemon.address());
		StoreSessionRepository second = repository(daemon.address());
		StoredSession session = first.createSession();
		session.setAttribute("greeting", "hello");
		first.save(session);
		StoredSession seen = second.findById(session.getId());
		assertThat((Object) seen.getAttribute("greeting")).isEqualTo("hello");
		DaemonStats stats = client(daemon.address(), null).stats();
		assertThat(stats.sessions()).isEqualTo(1);
		assertThat(stats.mode()).isEqualTo("sessions");
		assertThat(stats.connections()).isGreaterThanOrEqualTo(2);
	}

	@Test
	void servesManyClientsAtOnce() throws Exception {
		DaemonProcess daemon = start(String.valueOf(DaemonProcess.freePort()));
		int clients = 64;
		CyclicBarrier allConnected = new CyclicBarrier(clients + 1);
		ExecutorService executor = Executors.newFixedThreadPool(clients);
		try {
			List<Future<Integer>> results = new ArrayList<>();
			for (int c = 0; c < clients; c++) {
				StoreSessionRepository repository = repository(daemon.address());
				results.add(executor.submit(() -> {
					StoredSession session = repository.createSession();
					session.setAttribute("count", 0);
					repository.save(session);
					allConnected.await(60, TimeUnit.SECONDS);
					for (int i = 0; i < 100; i++) {
						StoredSession found = repository.findById(session.getId());
						Integer count = found.getAttribute("count");
						found.setAttribute("count", count + 1);
						repository.save(found);
					}
					return repository.findById(session.getId()).getAttribute("count");
				}));
			}
			allConnected.await(60, TimeUnit.SECONDS);
			assertThat(client(daemon.address(), null).stats().connections()).isGreaterThanOrEqualTo(clients);
			for (Future<Integer> result : results) {
				assertThat(result.get(120, TimeUnit.SECONDS)).isEqualTo(100);
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(client(daemon.address(), null).stats().sessions()).isEqualTo(clients);
	}

	@Test
	void memoizedCachesOverOneDaemonSeeEachOthersChanges() throws Exception {
		DaemonProcess daemon = start(String.valueOf(DaemonProcess.freePort()));
		StoreSessionRepository first = memoizedRepository(daemon.address());
		StoreSessionRepository second = memoizedRepository(daemon.address());
		StoredSession session = first.createSession();
		session.setAttribute("cart", "book");
		first.save(session);
		assertThat((Object) second.findById(session.getId()).getAttribute("cart")).isEqualTo("book");
		StoredSession inFirst = first.findById(session.getId());
		inFirst.setAttribute("cart", "book, pen");
		first.save(inFirst);
		StoredSession inSecond = second.findById(session.getId());
		assertThat((Object) inSecond.getAttribute("cart")).isEqualTo("book, pen");
		assertThat(inSecond.getVersion()).isEqualTo(inFirst.getVersion());
		first.deleteById(session.getId());
		assertThat(second.findById(session.getId())).isNull();
	}

	private StoreSessionRepository memoizedRepository(DaemonAddress address) {
		MemoizedSessionStore store = new MemoizedSessionStore(new DaemonSessionStore(client(address, null)),
				new MemorySessionStore(1 << 20, 1000, 0.9, Clock.systemUTC()), Coherence.VALIDATE);
		StoreSessionRepository repository = new StoreSessionRepository(store, new JavaSessionSerializer(List.of(), null));
		repository.setDecodeOnLoad(true);
		return repository;
	}

	@Test
	void twoProcessesChangingDifferentAttributesOfOneSessionBothKeepTheirs() throws Exception {
		DaemonProcess daemon = start(String.valueOf(DaemonProcess.freePort()));
		StoreSessionRepository first = repository(daemon.address());
		StoreSessionRepository second = repository(daemon.address());
		StoredSession created = first.createSession();
		created.setAttribute("start", 0);
		first.save(created);
		StoredSession inFirst = first.findById(created.getId());
		StoredSession inSecond = second.findById(created.getId());
		inFirst.setAttribute("cart", "book");
		inSecond.setAttribute("theme", "dark");
		first.save(inFirst);
		second.save(inSecond);
		StoredSession merged = first.findById(created.getId());
		assertThat((Object) merged.getAttribute("cart")).isEqualTo("book");
		assertThat((Object) merged.getAttribute("theme")).isEqualTo("dark");
		assertThat((Object) merged.getAttribute("start")).isEqualTo(0);
	}

	@Test
	void refusesAChangeThatWouldMakeTheSessionTooLargeToReadBack() throws Exception {
		DaemonProcess daemon = start(String.valueOf(DaemonProcess.freePort()));
		DaemonSessionStore store = new DaemonSessionStore(client(daemon.address(), null));
		byte[] tenMegabytes = new byte[10 * 1024 * 1024];
		store.save(new SessionChange("big", null, true, 1, 1L, -1L, false, null, Map.of("a", tenMegabytes)));
		assertThatExceptionOfType(SessionTooLargeException.class)
			.isThrownBy(() -> store.save(new SessionChange("big", null, false, 1, null, null, false, null,
					Map.of("b", tenMegabytes))))
			.withMessageContaining("Session big");
		store.save(new SessionChange("big", null, false, 1, null, null, false, null, Map.of("a", new byte[10])));
		store.save(new SessionChange("big", null, false, 1, null, null, false, null, Map.of("b", tenMegabytes)));
		assertThat(store.find("big").attribute("b")).hasSize(tenMegabytes.length);
	}

	@Test
	void aDaemonWithATokenServesOnlyClientsThatSendIt(@TempDir Path dir) throws Exception {
		Path tokenFile = Files.writeString(dir.resolve("token"), "correct horse battery staple\n");
		DaemonProcess daemon = DaemonProcess.startWithToken("correct horse battery staple",
				String.valueOf(DaemonProcess.freePort()), "--token-file=" + tokenFile);
		this.closeables.add(daemon);
		client(daemon.address(), "correct horse battery staple").ping();
		assertThatExceptionOfType(DaemonUnavailableException.class)
			.isThrownBy(() -> client(daemon.address(), "wrong").ping())
			.withMessageContaining("rejected the token");
		assertThatExceptionOfType(DaemonUnavailableException.class)
			.isThrownBy(() -> client(daemon.address(), null).ping());
		assertThat(daemon.isAlive()).isTrue();
	}

	@Test
	void aLockDaemonServesLocksAndRefusesSessions() throws Exception {
		DaemonProcess daemon = start("--lock", String.valueOf(DaemonProcess.freePort()));
		DaemonSessionStore store = new DaemonSessionStore(client(daemon.address(), null));
		assertThatIllegalStateException().isThrownBy(() -> store.find("abc"))
			.withMessageContaining("serves locks only");
		assertThat(client(daemon.address(), null).stats().mode()).isEqualTo("locks");
	}

	@Test
	void printsUsageWithHelp() throws Exception {
		DaemonProcess help = DaemonProcess.launch(null, "--help");
		this.closeables.add(help);
		assertThat(help.awaitExit()).isZero();
		assertThat(help.output()).contains("Usage: java -jar session-daemon.jar").contains("--token-file")
			.contains("--idle-timeout").contains("--first-frame-timeout");
	}

	@Test
	void exitsWithAClearMessageOnABadArgument() throws Exception {
		assertExitsWith("Port 70000 is not between 1 and 65535", "70000");
		assertExitsWith("Unknown option --colour", "--colour=blue", "7070");
		assertExitsWith("--max-size must be a size greater than zero", "--max-size=lots", "7070");
		assertExitsWith("--idle-timeout must be a time greater than zero", "--idle-timeout=0s", "7070");
		assertExitsWith("Missing <listen-on>");
		assertExitsWith("takes no <storage-dir>", "--lock", "7070", "/tmp/sessions");
	}

	@Test
	void exitsWhenThePortIsTaken() throws Exception {
		DaemonProcess first = start(String.valueOf(DaemonProcess.freePort()));
		DaemonProcess second = DaemonProcess.launch(String.valueOf(first.address().port()));
		this.closeables.add(second);
		assertThat(second.awaitExit()).isEqualTo(1);
		assertThat(second.output()).contains("cannot start on " + first.address());
	}

	private void assertExitsWith(String message, String... arguments) throws Exception {
		DaemonProcess daemon = DaemonProcess.launch(null, arguments);
		this.closeables.add(daemon);
		assertThat(daemon.awaitExit()).isEqualTo(2);
		assertThat(daemon.output()).contains(message).contains("--help");
	}

	private DaemonProcess start(String... arguments) throws Exception {
		String listenOn = arguments[arguments.length - 1];
		String[] options = Arrays.copyOf(arguments, arguments.length - 1);
		DaemonProcess daemon = DaemonProcess.start(listenOn, options);
		this.closeables.add(daemon);
		return daemon;
	}

	private DaemonClient client(DaemonAddress address, String token) {
		DaemonClient client = new DaemonClient(address, Duration.ofSeconds(5), 4, 4, token);
		this.closeables.add(client);
		return client;
	}

	private StoreSessionRepository repository(DaemonAddress address) {
		StoreSessionRepository repository = new StoreSessionRepository(new DaemonSessionStore(client(address, null)),
				new JavaSessionSerializer(List.of(), null));
		repository.setDecodeOnLoad(true);
		return repository;
	}

}
