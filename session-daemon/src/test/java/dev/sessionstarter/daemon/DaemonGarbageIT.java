package dev.sessionstarter.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.protocol.FrameReader;
import dev.sessionstarter.daemon.protocol.Frames;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Garbage on the wire: for each kind, the daemon answers with an error or closes that
 * connection, stays up, and serves the next client. Every raw read here has a deadline
 * (the socket is closed by a timer), so no test can hang.
 */
class DaemonGarbageIT {

	private static final String TOKEN = "garbage-test-token";

	private static DaemonProcess daemon;

	private static DaemonProcess tokenDaemon;

	@BeforeAll
	static void startDaemons() throws Exception {
		daemon = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()), "--frame-timeout=300ms");
		Path tokenFile = Files.createTempFile("daemon-token", "");
		Files.writeString(tokenFile, TOKEN);
		tokenDaemon = DaemonProcess.startWithToken(TOKEN, String.valueOf(DaemonProcess.freePort()),
				"--token-file=" + tokenFile, "--frame-timeout=300ms", "--first-frame-timeout=300ms");
		Files.delete(tokenFile);
	}

	@AfterAll
	static void stopDaemons() {
		daemon.close();
		tokenDaemon.close();
	}

	@AfterEach
	void daemonStillServesTheNextClient() {
		for (DaemonProcess process : new DaemonProcess[] { daemon, tokenDaemon }) {
			assertThat(process.isAlive()).as(process.output()).isTrue();
			try (DaemonClient client = new DaemonClient(process.address(), Duration.ofSeconds(5), 1, 1,
					(process == tokenDaemon) ? TOKEN : null)) {
				client.ping();
				assertThat(client.stats().mode()).isEqualTo("sessions");
			}
		}
	}

	@Test
	void randomBytesCloseTheConnection() throws IOException {
		Random random = new Random(42);
		for (int round = 0; round < 20; round++) {
			byte[] garbage = new byte[1 + random.nextInt(4096)];
			random.nextBytes(garbage);
			try (Raw raw = new Raw(daemon)) {
				raw.send(garbage);
				raw.shutdownOutput();
				raw.readUntilClosed();
			}
		}
	}

	@Test
	void aTwoGigabyteLengthPrefixIsAnsweredWithAnErrorAndClosed() throws IOException {
		try (Raw raw = new Raw(daemon)) {
			raw.send(new byte[] { 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, Opcodes.SAVE });
			WireInput answer = raw.readFrame();
			assertThat(answer.readByte()).isEqualTo(Opcodes.ERROR);
			assertThat(answer.readString()).contains("Frame length 2147483647 is outside 1.." + Frames.MAX_FRAME_BYTES);
			assertThat(raw.readFrame()).isNull();
		}
	}

	@Test
	void aTruncatedFrameIsDroppedWhenTheClientGoesAway() throws IOException {
		try (Raw raw = new Raw(daemon)) {
			raw.send(new byte[] { 0, 0, 0, 100, Opcodes.GET, 0, 0 });
			raw.shutdownOutput();
			WireInput answer = raw.readFrame();
			assertThat(answer.readByte()).isEqualTo(Opcodes.ERROR);
			assertThat(answer.readString()).contains("closed within a frame");
		}
	}

	@Test
	void aStalledHalfFrameDoesNotStallOtherClients() throws IOException {
		try (Raw stalled = new Raw(daemon)) {
			stalled.send(new byte[] { 0, 0, 1, 0, Opcodes.SAVE, 1, 2, 3 });
			try (DaemonClient client = new DaemonClient(daemon.address(), Duration.ofSeconds(5), 1, 1, null)) {
				for (int i = 0; i < 100; i++) {
					client.ping();
				}
			}
		}
	}

	@Test
	void aClientThatStallsWithinAFrameIsDisconnected() throws IOException {
		try (Raw stalled = new Raw(daemon)) {
			stalled.send(new byte[] { 0, 0, 0, 50, Opcodes.GET });
			stalled.readUntilClosed();
		}
	}

	@Test
	void anIdleConnectionBetweenFramesIsKept() throws Exception {
		try (Raw idle = new Raw(daemon)) {
			idle.sendFrame(WireOutput.frame(Opcodes.PING));
			assertThat(idle.readFrame().readByte()).isEqualTo(Opcodes.OK);
			Thread.sleep(1000);
			idle.sendFrame(WireOutput.frame(Opcodes.PING));
			assertThat(idle.readFrame().readByte()).isEqualTo(Opcodes.OK);
		}
	}

	@Test
	void aMalformedPayloadIsAnsweredWithAnErrorAndClosed() throws IOException {
		try (Raw raw = new Raw(daemon)) {
			raw.sendFrame(WireOutput.frame(Opcodes.GET).writeInt(1_000_000));
			WireInput answer = raw.readFrame();
			assertThat(answer.readByte()).isEqualTo(Opcodes.ERROR);
			assertThat(answer.readString()).startsWith("Malformed request");
			assertThat(raw.readFrame()).isNull();
		}
	}

	@Test
	void anIdThatCouldNameAPathIsRefused() throws IOException {
		try (Raw raw = new Raw(daemon)) {
			raw.sendFrame(WireOutput.frame(Opcodes.GET).writeString("../../etc/passwd"));
			WireInput answer = raw.readFrame();
			assertThat(answer.readByte()).isEqualTo(Opcodes.ERROR);
			assertThat(answer.readString()).contains("Invalid session id");
		}
	}

	@Test
	void anUnknownOpcodeIsAnsweredAndTheConnectionGoesOn() throws IOException {
		try (Raw raw = new Raw(daemon)) {
			raw.sendFrame(WireOutput.frame((byte) 0x7E));
			WireInput answer = raw.readFrame();
			assertThat(answer.readByte()).isEqualTo(Opcodes.ERROR);
			assertThat(answer.readString()).contains("Unknown operation 0x7e");
			raw.sendFrame(WireOutput.frame(Opcodes.PING));
			assertThat(raw.readFrame().readByte()).isEqualTo(Opcodes.OK);
		}
	}

	@Test
	void aWrongTokenIsDeniedAndClosed() throws IOException {
		try (Raw raw = new Raw(tokenDaemon)) {
			raw.sendFrame(WireOutput.frame(Opcodes.AUTH).writeString("guess"));
			assertThat(raw.readFrame().readByte()).isEqualTo(Opcodes.DENIED);
			assertThat(raw.readFrame()).isNull();
		}
	}

	@Test
	void aRequestBeforeTheTokenIsDeniedAndClosed() throws IOException {
		try (Raw raw = new Raw(tokenDaemon)) {
			raw.sendFrame(WireOutput.frame(Opcodes.STATS));
			assertThat(raw.readFrame().readByte()).isEqualTo(Opcodes.DENIED);
			assertThat(raw.readFrame()).isNull();
		}
	}

	@Test
	void aClientThatNeverSendsTheTokenIsDisconnected() throws IOException {
		try (Raw silent = new Raw(tokenDaemon)) {
			silent.readUntilClosed();
		}
	}

	@Test
	void randomBytesInsteadOfTheTokenAreDenied() throws IOException {
		byte[] garbage = new byte[64];
		new Random(7).nextBytes(garbage);
		garbage[0] = 0;
		garbage[1] = 0;
		garbage[2] = 0;
		garbage[3] = 60;
		try (Raw raw = new Raw(tokenDaemon)) {
			raw.send(garbage);
			assertThat(raw.readFrame().readByte()).isEqualTo(Opcodes.DENIED);
		}
	}

	/**
	 * A raw connection whose every read has a 10 second deadline.
	 */
	private static final class Raw implements AutoCloseable {

		private final SocketChannel channel;

		private final FrameReader reader = new FrameReader();

		private final Thread deadline;

		Raw(DaemonProcess daemon) throws IOException {
			this.channel = daemon.address().connect();
			this.deadline = new Thread(() -> {
				try {
					Thread.sleep(10_000);
					this.channel.close();
				}
				catch (InterruptedException | IOException ex) {
					// closed normally
				}
			});
			this.deadline.setDaemon(true);
			this.deadline.start();
		}

		void send(byte[] bytes) throws IOException {
			ByteBuffer buffer = ByteBuffer.wrap(bytes);
			try {
				while (buffer.hasRemaining()) {
					this.channel.write(buffer);
				}
			}
			catch (IOException ex) {
				// the daemon may close before it has read everything
			}
		}

		void sendFrame(WireOutput frame) throws IOException {
			Frames.write(this.channel, frame);
		}

		void shutdownOutput() throws IOException {
			this.channel.shutdownOutput();
		}

		WireInput readFrame() throws IOException {
			return this.reader.read(this.channel);
		}

		void readUntilClosed() throws IOException {
			ByteBuffer buffer = ByteBuffer.allocate(8192);
			try {
				while (this.channel.read(buffer) >= 0) {
					buffer.clear();
				}
			}
			catch (IOException ex) {
				// reset by the daemon: closed all the same
			}
			assertThat(this.channel.isOpen()).as("closed by the daemon, not by the deadline").isTrue();
		}

		@Override
		public void close() throws IOException {
			this.deadline.interrupt();
			this.channel.close();
		}

	}

}
