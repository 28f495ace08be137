package dev.sessionstarter.daemon;

import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sessionstarter.ChildJvm;
import dev.sessionstarter.Closeables;
import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonSessionLockManager;
import dev.sessionstarter.daemon.client.DaemonSessionStore;
import dev.sessionstarter.daemon.client.DaemonUnavailableException;
import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.daemon.protocol.FrameReader;
import dev.sessionstarter.daemon.protocol.Frames;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;
import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The daemon's locks: exclusive across connections and processes, released on unlock, when the
 * holder's connection closes or its process is killed, and when the lease runs out.
 */
class DaemonLocksIT {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	private final List<Process> children = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (Process child : this.children) {
			child.destroyForcibly();
			child.waitFor(30, TimeUnit.SECONDS);
		}
	}

	@Test
	void aLockIsExclusiveAcrossClientsUntilReleased() throws Exception {
		DaemonProcess daemon = start("--lock");
		DaemonSessionLockManager first = locks(daemon.address(), Duration.ZERO);
		DaemonSessionLockManager second = locks(daemon.address(), Duration.ZERO);
		SessionLock held = first.tryLock("session-1", Duration.ofSeconds(1));
		assertThat(held).isNotNull();
		assertThat(first.heldLocks()).isEqualTo(1);
		assertThat(second.tryLock("session-1", Duration.ofMillis(100))).isNull();
		SessionLock other = second.tryLock("session-2", Duration.ofSeconds(1));
		assertThat(other).isNotNull();
		held.release();
		held.release();
		assertThat(first.heldLocks()).isZero();
		SessionLock taken = second.tryLock("session-1", Duration.ofSeconds(5));
		assertThat(taken).isNotNull();
		taken.release();
		other.release();
		// a release is sent without waiting for its answer (UNLOCK_QUIET): the stats may come first
		await().atMost(Duration.ofSeconds(10)).until(() -> first.getClient().stats().locks() == 0);
	}

	@Test
	void manyLocksHeldAtOnceShareAFewConnections() throws Exception {
		DaemonProcess daemon = start("--lock");
		DaemonSessionLockManager manager = locks(daemon.address(), Duration.ZERO);
		List<SessionLock> held = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			SessionLock lock = manager.tryLock("session-" + i, Duration.ofSeconds(5));
			assertThat(lock).isNotNull();
			held.add(lock);
		}
		int open = manager.getClient().getOpenConnections();
		System.out.println("200 daemon locks held at once keep " + open + " connections open");
		assertThat(open).isLessThanOrEqualTo(4);
		assertThat(manager.getClient().stats().locks()).isEqualTo(200);
		held.forEach(SessionLock::release);
		assertThat(manager.heldLocks()).isZero();
		await().atMost(Duration.ofSeconds(10)).until(() -> manager.getClient().stats().locks() == 0);
	}

	@Test
	void aDaemonOverItsConnectionLimitIsUnavailableNamingTheLimit() throws Exception {
		DaemonProcess daemon = start("--lock", "--max-connections=1");
		// The one connection holds a lock, so the daemon keeps it rather than make room for another
		DaemonSessionLockManager holder = locks(daemon.address(), Duration.ZERO);
		SessionLock held = await("the lock on the one connection the daemon serves")
			.until(() -> holder.tryLock("held", Duration.ofSeconds(1)), Objects::nonNull);
		try {
			DaemonSessionLockManager manager = locks(daemon.address(), Duration.ZERO);
			assertThatExceptionOfType(DaemonUnavailableException.class)
				.isThrownBy(() -> manager.tryLock("session", Duration.ofSeconds(1)))
				.withMessageContaining("Session daemon at " + daemon.address())
				.withMessageContaining("Too many connections");
		}
		finally {
			held.release();
		}
	}

	@Test
	void aZeroTimeoutTriesOnceOnAFreshConnection() throws Exception {
		DaemonProcess daemon = start("--lock");
		DaemonSessionLockManager first = locks(daemon.address(), Duration.ZERO);
		DaemonSessionLockManager second = locks(daemon.address(), Duration.ZERO);
		SessionLock held = first.tryLock("session", Duration.ZERO);
		assertThat(held).isNotNull();
		assertThat(second.tryLock("session", Duration.ZERO)).isNull();
		held.release();
	}

	@Test
	void aTimeoutTooLongForNanosecondsWaitsWithoutLimit() throws Exception {
		DaemonProcess daemon = start("--lock");
		DaemonSessionLockManager manager = locks(daemon.address(), Duration.ZERO);
		SessionLock held = manager.tryLock("session-1", Duration.ofSeconds(Long.MAX_VALUE));
		assertThat(held).isNotNull();
		held.release();
		SessionLock again = manager.tryLock("session-1", Duration.ofNanos(Long.MAX_VALUE));
		assertThat(again).isNotNull();
		again.release();
		assertThat(manager.heldLocks()).isZero();
	}

	@Test
	void aWaiterGetsTheLockAsSoonAsItIsReleased() throws Exception {
		DaemonProcess daemon = start("--lock");
		DaemonSessionLockManager first = locks(daemon.address(), Duration.ZERO);
		DaemonSessionLockManager second = locks(daemon.address(), Duration.ZERO);
		SessionLock held = first.tryLock("s", Duration.ofSeconds(1));
		Thread releaser = new Thread(() -> {
			try {
				Thread.sleep(200);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			held.release();
		});
		releaser.start();
		SessionLock waited = second.tryLock("s", Duration.ofSeconds(30));
		releaser.join();
		assertThat(waited).isNotNull();
		waited.release();
	}

	@Test
	void aLockIsReleasedWhenItsConnectionCloses() throws Exception {
		DaemonProcess daemon = start("--lock");
		DaemonSessionLockManager waiter = locks(daemon.address(), Duration.ZERO);
		try (SocketChannel holder = daemon.address().connect()) {
			Frames.write(holder, WireOutput.frame(Opcodes.LOCK).writeString("session").writeLong(1000).writeLong(0));
			WireInput answer = new FrameReader().read(holder);
			assertThat(answer.readByte()).isEqualTo(Opcodes.OK);
			assertThat(waiter.tryLock("session", Duration.ofMillis(100))).isNull();
		}
		SessionLock taken = waiter.tryLock("session", Duration.ofSeconds(30));
		assertThat(taken).isNotNull();
		assertThat(waiter.getClient().stats().leaseExpiries()).isZero();
	}

	@Test
	void anUnansweredUnlockReleasesTheLockAndTheNextAnswerIsTheNextRequests() throws Exception {
		DaemonProcess daemon = start("--lock");
		DaemonSessionLockManager other = locks(daemon.address(), Duration.ZERO);
		try (SocketChannel holder = daemon.address().connect()) {
			FrameReader reader = new FrameReader();
			Frames.write(holder, WireOutput.frame(Opcodes.HELLO).writeInt(Opcodes.PROTOCOL_VERSION));
			WireInput hello = reader.read(holder);
			assertThat(hello.readByte()).isEqualTo(Opcodes.OK);
			assertThat(hello.readInt()).isEqualTo(Opcodes.PROTOCOL_VERSION);
			Frames.write(holder, WireOutput.frame(Opcodes.LOCK).writeString("session").writeLong(0).writeLong(0));
			WireInput locked = reader.read(holder);
			assertThat(locked.readByte()).isEqualTo(Opcodes.OK);
			long token = locked.readLong();
			assertThat(other.tryLock("session", Duration.ZERO)).isNull();
			Frames.write(holder, WireOutput.frame(Opcodes.UNLOCK_QUIET).writeString("session").writeLong(token));
			Frames.write(holder, WireOutput.frame(Opcodes.STATS));
			WireInput stats = reader.read(holder);
			assertThat(stats.readByte()).isEqualTo(Opcodes.OK);
			assertThat(stats.readRequiredString()).isEqualTo("locks");
			SessionLock taken = other.tryLock("session", Duration.ZERO);
			assertThat(taken).isNotNull();
			taken.release();
		}
	}

	@Test
	void aLockIsReleasedWhenItsHolderProcessIsKilled() throws Exception {
		DaemonProcess daemon = start("--lock");
		DaemonSessionLockManager waiter = locks(daemon.address(), Duration.ZERO);
		Process holder = child(LockHolderWorker.class, daemon.address().toString().replace("127.0.0.1:", ""),
				"held-session");
		awaitLine(holder, "locked");
		assertThat(waiter.tryLock("held-session", Duration.ofMillis(100))).isNull();
		holder.destroyForcibly();
		holder.waitFor(30, TimeUnit.SECONDS);
		SessionLock taken = waiter.tryLock("held-session", Duration.ofSeconds(30));
		assertThat(taken).isNotNull();
	}

	@Test
	void aLockWhoseLeaseRanOutIsTakenOver() throws Exception {
		DaemonProcess daemon = start("--lock");
		DaemonSessionLockManager stuck = locks(daemon.address(), Duration.ofMillis(300));
		SessionLock held = stuck.tryLock("session", Duration.ofSeconds(1));
		assertThat(held).isNotNull();
		DaemonSessionLockManager waiter = locks(daemon.address(), Duration.ZERO);
		SessionLock taken = waiter.tryLock("session", Duration.ofSeconds(30));
		assertThat(taken).isNotNull();
		assertThat(waiter.getClient().stats().leaseExpiries()).isEqualTo(1);
		held.release();
		assertThat(waiter.getClient().stats().locks()).isEqualTo(1);
		taken.release();
	}

	@Test
	void theDaemonThatKeepsSessionsServesLocksToo() throws Exception {
		DaemonProcess daemon = start();
		SessionLock lock = locks(daemon.address(), Duration.ZERO).tryLock("s", Duration.ofSeconds(1));
		assertThat(lock).isNotNull();
		lock.release();
	}

	@Test
	void twoProcessesIncrementingOneCounterUnderDaemonLocksLoseNoUpdate() throws Exception {
		DaemonProcess daemon = start();
		DaemonClient client = new DaemonClient(daemon.address(), Duration.ofSeconds(5), 2, 2, null);
		this.closeables.add(client);
		StoreSessionRepository repository = new StoreSessionRepository(new DaemonSessionStore(client),
				new JavaSessionSerializer(List.of(), null));
		StoredSession session = repository.createSession();
		session.setAttribute("count", 0);
		repository.save(session);
		int increments = 300;
		String port = String.valueOf(daemon.address().port());
		Process first = child(LockedCounterWorker.class, port, session.getId(), String.valueOf(increments));
		Process second = child(LockedCounterWorker.class, port, session.getId(), String.valueOf(increments));
		assertThat(first.waitFor(120, TimeUnit.SECONDS)).isTrue();
		assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
		assertThat(first.exitValue()).isZero();
		assertThat(second.exitValue()).isZero();
		Integer count = repository.findById(session.getId()).getAttribute("count");
		assertThat(count).isEqualTo(2 * increments);
	}

	private Process child(Class<?> main, String... arguments) throws Exception {
		List<String> command = ChildJvm.command(List.of("-Xmx128m"), main, arguments);
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		this.children.add(process);
		return process;
	}

	private static void awaitLine(Process process, String expected) throws Exception {
		Thread timeout = new Thread(() -> {
			try {
				Thread.sleep(60_000);
				process.destroyForcibly();
			}
			catch (InterruptedException ex) {
				// the line came
			}
		});
		timeout.setDaemon(true);
		timeout.start();
		try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream()))) {
			String line;
			while ((line = reader.readLine()) != null) {
				if (line.equals(expected)) {
					timeout.interrupt();
					return;
				}
			}
		}
		throw new IllegalStateException("The child process ended without printing '" + expected + "'");
	}

	private DaemonProcess start(String... options) throws Exception {
		DaemonProcess daemon = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()), options);
		this.closeables.add(daemon);
		return daemon;
	}

	private DaemonSessionLockManager locks(DaemonAddress address, Duration lease) {
		DaemonClient client = new DaemonClient(address, Duration.ofSeconds(5), 8, 4, null);
		this.closeables.add(client);
		return new DaemonSessionLockManager(client, lease);
	}

}
