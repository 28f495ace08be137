package dev.sessionstarter.daemon.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.daemon.protocol.Frames;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionTooLargeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The client against daemons that are not there or do not answer; the real daemon's tests are
 * in the session-daemon module.
 */
class DaemonClientTests {

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void aDaemonThatIsNotRunningIsAClearErrorNamingItsAddress() throws IOException {
		DaemonClient client = client(DaemonAddress.parse(String.valueOf(freePort())));
		DaemonSessionStore store = new DaemonSessionStore(client);
		assertThatExceptionOfType(DaemonUnavailableException.class).isThrownBy(() -> store.find("some-session"))
			.withMessageContaining("Session daemon at " + client.getAddress() + " is unavailable")
			.withMessageContaining("GET failed")
			.satisfies((ex) -> assertThat(ex.getAddress()).isEqualTo(client.getAddress()));
		assertThat(client.getErrorCount()).isEqualTo(1);
		assertThat(client.getOpenConnections()).isZero();
	}

	@Test
	void aMissingSocketIsAClearError() {
		DaemonClient client = client(DaemonAddress.parse("target/no-daemon-here.sock"));
		assertThatExceptionOfType(DaemonUnavailableException.class).isThrownBy(client::ping)
			.withMessageContaining("unix:")
			.withMessageContaining("PING failed");
	}

	@Test
	void aDaemonThatDoesNotAnswerFailsTheCallAtItsDeadline() throws IOException {
		ServerSocketChannel silent = ServerSocketChannel.open()
			.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		this.closeables.add(silent);
		int port = ((InetSocketAddress) silent.getLocalAddress()).getPort();
		DaemonClient client = client(DaemonAddress.parse(String.valueOf(port)));
		assertThatExceptionOfType(DaemonUnavailableException.class).isThrownBy(client::stats)
			.withMessageContaining("did not answer STATS within 200ms");
		SessionLockManager locks = new DaemonSessionLockManager(client, Duration.ZERO);
		assertThatExceptionOfType(DaemonUnavailableException.class)
			.isThrownBy(() -> locks.tryLock("session", Duration.ofMillis(100)))
			.withMessageContaining("did not answer LOCK");
		assertThat(client.getErrorCount()).isEqualTo(2);
		assertThat(locks.heldLocks()).isZero();
		SocketChannel accepted = silent.accept();
		this.closeables.add(accepted);
	}

	@Test
	void aChangeLargerThanAFrameIsRefusedBeforeItIsSent() throws IOException {
		DaemonClient client = client(DaemonAddress.parse(String.valueOf(freePort())));
		DaemonSessionStore store = new DaemonSessionStore(client);
		SessionChange huge = new SessionChange("big", null, true, 1, 1L, 1000L, false, null,
				Map.of("blob", new byte[Frames.MAX_FRAME_BYTES]));
		assertThatExceptionOfType(SessionTooLargeException.class).isThrownBy(() -> store.save(huge))
			.withMessageContaining("Session big");
		assertThat(client.getErrorCount()).isZero();
	}

	@Test
	void usageKeepsTheLastKnownFiguresWhileTheDaemonIsAway() throws IOException {
		DaemonSessionStore store = new DaemonSessionStore(client(DaemonAddress.parse(String.valueOf(freePort()))));
		assertThat(store.usage().sessions()).isZero();
		assertThat(store.usage().maxBytes()).isEqualTo(-1);
	}

	private DaemonClient client(DaemonAddress address) {
		DaemonClient client = new DaemonClient(address, Duration.ofMillis(200), 2, 2, null);
		this.closeables.add(client);
		return client;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
