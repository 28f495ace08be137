package dev.sessionstarter.daemon.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.daemon.protocol.FrameReader;
import dev.sessionstarter.daemon.protocol.Frames;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;
import dev.sessionstarter.store.RemovalListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client against a daemon older than {@code REMOVALS} (protocol version 1), which answers
 * it as an unknown operation; reading the removals against the real daemon is proved in the
 * session-daemon module.
 */
class DaemonRemovalFeedTests {

	private ServerSocketChannel server;

	private DaemonClient client;

	@AfterEach
	void close() throws IOException {
		this.client.close();
		this.server.close();
	}

	@Test
	void aStoreOnADaemonOlderThanRemovalsStillPurgesAndReportsWhatThePurgeRemoved() throws IOException {
		startVersionOneDaemon();
		DaemonSessionStore store = new DaemonSessionStore(this.client);
		store.setRemovalListener(RemovalListener.NONE);
		assertThat(store.purgeExpired(Instant.now())).isZero();
		assertThat(store.purgeExpired(Instant.now())).isZero();
		assertThat(new DaemonRemovalFeed(this.client).read((removals) -> removals.size())).isZero();
		assertThat(this.client.getErrorCount()).isZero();
	}

	/**
	 * Serve one connection as a version 1 daemon would: {@code PURGE} removes nothing, and any
	 * other operation is unknown.
	 */
	private void startVersionOneDaemon() throws IOException {
		this.server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		int port = ((InetSocketAddress) this.server.getLocalAddress()).getPort();
		this.client = new DaemonClient(DaemonAddress.parse(String.valueOf(port)), Duration.ofSeconds(5), 1, 1, null);
		Thread thread = new Thread(() -> {
			try (SocketChannel channel = this.server.accept()) {
				FrameReader reader = new FrameReader();
				WireInput request;
				while ((request = reader.read(channel)) != null) {
					byte opcode = request.readByte();
					String unknown = String.format("Unknown operation 0x%02x", opcode);
					Frames.write(channel, (opcode == Opcodes.PURGE) ? WireOutput.frame(Opcodes.OK).writeInt(0)
							: WireOutput.frame(Opcodes.ERROR).writeString(unknown));
				}
			}
			catch (IOException ex) {
				// the test is over
			}
		}, "version-one-daemon");
		thread.setDaemon(true);
		thread.start();
	}

}
