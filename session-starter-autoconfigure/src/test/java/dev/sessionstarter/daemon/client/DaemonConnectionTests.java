package dev.sessionstarter.daemon.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.sessionstarter.daemon.protocol.ChannelWatchdog;
import dev.sessionstarter.daemon.protocol.FrameReader;
import dev.sessionstarter.daemon.protocol.Frames;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link DaemonConnection}: what a {@code HELLO} answer tells of the daemon's default
 * lock lease, over real loopback connections to a scripted peer.
 */
class DaemonConnectionTests {

	private final ChannelWatchdog watchdog = new ChannelWatchdog("test-deadlines", Duration.ofMillis(10));

	private final AtomicLong lease = new AtomicLong(-1);

	@AfterEach
	void close() {
		this.watchdog.close();
	}

	@Test
	void aVersion8DaemonNamesItsLease() throws Exception {
		assertThat(hello(WireOutput.frame(Opcodes.OK).writeInt(8).writeLong(2000))).isEqualTo(8);
		assertThat(this.lease).hasValue(2000);
	}

	/**
	 * A daemon replaced by an older one (version 7, or one that predates {@code HELLO}) names no
	 * lease: the one a newer daemon named is forgotten, so renewals fall back to 20 s rather than
	 * half a lease the older daemon may not have.
	 */
	@Test
	void anOlderDaemonForgetsTheLeaseANewerOneNamed() throws Exception {
		hello(WireOutput.frame(Opcodes.OK).writeInt(8).writeLong(120_000));
		assertThat(hello(WireOutput.frame(Opcodes.OK).writeInt(7))).isEqualTo(7);
		assertThat(this.lease).hasValue(0);
		this.lease.set(120_000);
		assertThat(hello(WireOutput.frame(Opcodes.ERROR).writeString("Unknown operation 0x04"))).isEqualTo(3);
		assertThat(this.lease).hasValue(0);
	}

	/**
	 * A version 8 answer with a lease of 0 or less, or none at all, is refused as malformed at
	 * once (no wait for more bytes), and the lease known before is kept.
	 */
	@Test
	void aMalformedLeaseIsRefusedWithoutWaiting() {
		this.lease.set(2000);
		for (WireOutput answer : List.of(WireOutput.frame(Opcodes.OK).writeInt(8).writeLong(0),
				WireOutput.frame(Opcodes.OK).writeInt(8).writeLong(-1), WireOutput.frame(Opcodes.OK).writeInt(8),
				WireOutput.frame(Opcodes.OK).writeInt(8).writeInt(1))) {
			assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> hello(answer));
		}
		assertThat(this.lease).hasValue(2000);
	}

	/**
	 * Every answer must end where the client expects it: a later daemon adds to the answer only
	 * to a client that said a version that reads it, as version 8 does for the lease.
	 */
	@Test
	void whatFollowsTheLeaseIsRefused() {
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> hello(WireOutput.frame(Opcodes.OK).writeInt(9).writeLong(3000).writeInt(42)));
	}

	/**
	 * Ask {@code HELLO} over a new connection to a peer that answers it so.
	 */
	private int hello(WireOutput answer) throws Exception {
		try (ServerSocketChannel server = ServerSocketChannel.open()) {
			server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> answer(server, answer));
			SocketChannel channel = SocketChannel.open(server.getLocalAddress());
			DaemonConnection connection = new DaemonConnection(channel, this.watchdog.guard(channel), () -> {
			}, this.lease::set);
			try {
				return connection.protocolVersion(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
			}
			finally {
				connection.close();
				peer.get(5, TimeUnit.SECONDS);
			}
		}
	}

	private static void answer(ServerSocketChannel server, WireOutput answer) {
		try (SocketChannel channel = server.accept()) {
			WireInput hello = new FrameReader().read(channel);
			assertThat(hello).isNotNull();
			assertThat(hello.readByte()).isEqualTo(Opcodes.HELLO);
			Frames.write(channel, answer);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
