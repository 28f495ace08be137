package dev.sessionstarter.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sessionstarter.Closeables;
import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonSessionStore;
import dev.sessionstarter.daemon.client.DaemonUnavailableException;
import dev.sessionstarter.daemon.protocol.FrameReader;
import dev.sessionstarter.daemon.protocol.Frames;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;
import dev.sessionstarter.store.SessionChange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Connections cannot be hoarded: silent connections are closed within seconds, idle ones after
 * the idle timeout (the client reconnects without an error), one holding a lock only once its
 * lease has run out; at the connection limit the silent or idle connection that waited longest
 * makes room for a new one, and a client the daemon refuses because every connection is busy or holds a lock gets a
 * clear {@link DaemonUnavailableException}.
 */
class DaemonConnectionsIT {

	private static final int SILENT = 300;

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@Test
	void silentConnectionsAreClosedWithinSecondsWhileANormalClientIsServed() throws Exception {
		DaemonProcess daemon = start();
		List<SocketChannel> silent = new ArrayList<>();
		for (int i = 0; i < SILENT; i++) {
			silent.add(connect(daemon));
		}
		long opened = System.nanoTime();
		DaemonClient client = client(daemon, 10);
		DaemonSessionStore store = new DaemonSessionStore(client);
		for (int i = 0; i < 100; i++) {
			save(store, "served-" + i);
		}
		assertThat(store.find("served-99")).isNotNull();
		await(SILENT + " silent connections closed by the daemon").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> silent.stream().allMatch(DaemonConnectionsIT::closedByPeer));
		System.out.printf("%d silent connections closed by the daemon after %d ms%n", SILENT,
				Duration.ofNanos(System.nanoTime() - opened).toMillis());
		assertThat(client.stats().connections()).isLessThan(SILENT);
	}

	@Test
	void aThousandSilentConnectionsAtTheLimitDoNotLockANormalClientOut() throws Exception {
		DaemonProcess daemon = start();
		List<SocketChannel> silent = new ArrayList<>();
		for (int i = 0; i < 1024; i++) {
			silent.add(connect(daemon));
		}
		DaemonClient client = client(daemon, 2);
		DaemonSessionStore store = new DaemonSessionStore(client);
		long start = System.nanoTime();
		for (int i = 0; i < 20; i++) {
			save(store, "among-silent-" + i);
		}
		assertThat(store.find("among-silent-19")).isNotNull();
		System.out.printf("20 saves with 1024 silent connections open at the limit of 1024: %d ms%n",
				Duration.ofNanos(System.nanoTime() - start).toMillis());
		assertThat(client.getErrorCount()).isZero();
	}

	@Test
	void anIdleConnectionIsClosedAfterTheIdleTimeoutAndThePoolReconnectsWithoutAnError() throws Exception {
		DaemonProcess daemon = start("--idle-timeout=1s");
		DaemonClient client = client(daemon, 1);
		client.ping();
		SocketChannel idle = connect(daemon);
		ping(idle);
		long pinged = System.nanoTime();
		await("the idle connection is closed").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> closedByPeer(idle));
		System.out.printf("an idle connection closed %d ms after its last request (--idle-timeout=1s)%n",
				Duration.ofNanos(System.nanoTime() - pinged).toMillis());
		await("the pooled connection is closed too").atMost(Duration.ofSeconds(30))
			.until(() -> client.stats().connections() == 1);
		client.ping();
		assertThat(client.getErrorCount()).isZero();
		assertThat(client.getConnectCount()).as("reconnected").isGreaterThanOrEqualTo(2);
	}

	@Test
	void aConnectionThatHoldsALockIsKeptUntilTheLeaseRunsOut() throws Exception {
		DaemonProcess daemon = start("--idle-timeout=500ms");
		SocketChannel holder = connect(daemon);
		WireInput locked = exchange(holder, WireOutput.frame(Opcodes.LOCK).writeString("held").writeLong(0)
			.writeLong(4000));
		assertThat(locked.readByte()).isEqualTo(Opcodes.OK);
		long lockedAt = System.nanoTime();
		await("the lock holder's connection outlives the idle timeout").during(Duration.ofMillis(2000))
			.atMost(Duration.ofSeconds(3))
			.until(() -> !closedByPeer(holder));
		await("closed once the lease ran out").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> closedByPeer(holder));
		System.out.printf("a lock holder's idle connection closed %d ms after a 4000 ms lease began%n",
				Duration.ofNanos(System.nanoTime() - lockedAt).toMillis());
	}

	@Test
	void atTheLimitTheConnectionThatWaitedLongestMakesRoomForANewClient() throws Exception {
		DaemonProcess daemon = start("--max-connections=4");
		SocketChannel silent = connect(daemon);
		List<SocketChannel> idle = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			SocketChannel channel = connect(daemon);
			ping(channel);
			idle.add(channel);
		}
		DaemonClient client = client(daemon, 1);
		client.ping();
		// the daemon closes the connection that makes room as it serves the new one: its end
		// reaches this side shortly after the new client's answer, not necessarily before
		await("the silent connection, waiting since it connected, made room").atMost(Duration.ofSeconds(10))
			.until(() -> closedByPeer(silent));
		assertThat(idle).noneMatch(DaemonConnectionsIT::closedByPeer);
		try (DaemonClient second = new DaemonClient(daemon.address(), Duration.ofSeconds(10), 1, 1, null)) {
			second.ping();
		}
		await("then the longest idle one").atMost(Duration.ofSeconds(10)).until(() -> closedByPeer(idle.get(0)));
		assertThat(idle.subList(1, 3)).noneMatch(DaemonConnectionsIT::closedByPeer);
		client.ping();
		assertThat(client.getErrorCount()).isZero();
	}

	@Test
	void aClientRefusedAtTheConnectionLimitGetsDaemonUnavailableSayingTooManyConnections() throws Exception {
		DaemonProcess daemon = start("--max-connections=4");
		List<SocketChannel> holders = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			SocketChannel channel = connect(daemon);
			WireInput locked = exchange(channel, WireOutput.frame(Opcodes.LOCK).writeString("lock-" + i)
				.writeLong(0)
				.writeLong(60_000));
			assertThat(locked.readByte()).isEqualTo(Opcodes.OK);
			holders.add(channel);
		}
		for (int i = 0; i < 20; i++) {
			try (DaemonClient client = new DaemonClient(daemon.address(), Duration.ofSeconds(10), 1, 1, null)) {
				assertThatExceptionOfType(DaemonUnavailableException.class).isThrownBy(client::ping)
					.withMessageContaining(daemon.address().toString())
					.withMessageContaining("Too many connections (the limit is 4)");
			}
		}
		holders.get(0).close();
		try (DaemonClient client = new DaemonClient(daemon.address(), Duration.ofSeconds(10), 1, 1, null)) {
			await("served once a connection is free").atMost(Duration.ofSeconds(30))
				.ignoreException(DaemonUnavailableException.class)
				.until(() -> {
					client.ping();
					return true;
				});
		}
	}

	private DaemonProcess start(String... options) throws Exception {
		DaemonProcess daemon = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()), options);
		this.closeables.add(daemon);
		return daemon;
	}

	private DaemonClient client(DaemonProcess daemon, int connections) {
		DaemonClient client = new DaemonClient(daemon.address(), Duration.ofSeconds(10), connections, connections,
				null);
		this.closeables.add(client);
		return client;
	}

	private SocketChannel connect(DaemonProcess daemon) throws IOException {
		SocketChannel channel = daemon.address().connect();
		this.closeables.add(channel);
		return channel;
	}

	private static void ping(SocketChannel channel) throws IOException {
		assertThat(exchange(channel, WireOutput.frame(Opcodes.PING)).readByte()).isEqualTo(Opcodes.OK);
	}

	private static WireInput exchange(SocketChannel channel, WireOutput request) throws IOException {
		Frames.write(channel, request);
		WireInput answer = new FrameReader().read(channel);
		assertThat(answer).as("an answer").isNotNull();
		return answer;
	}

	/**
	 * Whether the daemon closed the connection: a non-blocking read sees the end of the stream
	 * (or a reset). Leaves the channel non-blocking.
	 */
	private static boolean closedByPeer(SocketChannel channel) {
		try {
			channel.configureBlocking(false);
			return channel.read(ByteBuffer.allocate(64)) < 0;
		}
		catch (IOException ex) {
			return true;
		}
	}

	private static void save(DaemonSessionStore store, String id) {
		long now = System.currentTimeMillis();
		store.save(new SessionChange(id, null, true, now, now, 1_800_000L, false, null,
				Map.of("value", new byte[] { 1, 2, 3 })));
	}

}
