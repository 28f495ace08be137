package dev.sessionstarter.daemon.protocol;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class FrameReaderTests {

	@Test
	void readsFramesThatArriveOneByteAtATime() throws IOException {
		byte[] stream = concat(frame(WireOutput.frame(Opcodes.GET).writeString("id-1")),
				frame(WireOutput.frame(Opcodes.PING)));
		ReadableByteChannel channel = Channels.newChannel(new OneByteAtATime(stream));
		FrameReader reader = new FrameReader();
		WireInput first = reader.read(channel);
		assertThat(first.readByte()).isEqualTo(Opcodes.GET);
		assertThat(first.readString()).isEqualTo("id-1");
		WireInput second = reader.read(channel);
		assertThat(second.readByte()).isEqualTo(Opcodes.PING);
		assertThat(second.remaining()).isZero();
		assertThat(reader.read(channel)).isNull();
	}

	@Test
	void readsSeveralFramesFromOneRead() throws IOException {
		byte[] stream = concat(frame(WireOutput.frame(Opcodes.PING)), frame(WireOutput.frame(Opcodes.STATS)));
		FrameReader reader = new FrameReader();
		ReadableByteChannel channel = Channels.newChannel(new ByteArrayInputStream(stream));
		assertThat(reader.read(channel).readByte()).isEqualTo(Opcodes.PING);
		assertThat(reader.read(channel).readByte()).isEqualTo(Opcodes.STATS);
		assertThat(reader.read(channel)).isNull();
	}

	@Test
	void readsAFrameLargerThanItsBuffer() throws IOException {
		byte[] value = new byte[1_000_000];
		value[value.length - 1] = 42;
		byte[] stream = frame(WireOutput.frame(Opcodes.SAVE).writeBytes(value));
		WireInput input = new FrameReader().read(Channels.newChannel(new ByteArrayInputStream(stream)));
		input.readByte();
		assertThat(input.readBytes()).isEqualTo(value);
	}

	@Test
	void rejectsALengthOfTwoGigabytes() {
		byte[] stream = { 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2, 3 };
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> new FrameReader().read(Channels.newChannel(new ByteArrayInputStream(stream))))
			.withMessageContaining("outside 1.." + Frames.MAX_FRAME_BYTES);
	}

	@Test
	void rejectsAZeroOrNegativeLength() {
		for (byte[] stream : new byte[][] { { 0, 0, 0, 0 }, { (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF } }) {
			assertThatExceptionOfType(ProtocolException.class)
				.isThrownBy(() -> new FrameReader().read(Channels.newChannel(new ByteArrayInputStream(stream))));
		}
	}

	@Test
	void rejectsAStreamThatEndsWithinAFrame() throws ProtocolException {
		byte[] whole = frame(WireOutput.frame(Opcodes.GET).writeString("session"));
		byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 2);
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> new FrameReader().read(Channels.newChannel(new ByteArrayInputStream(truncated))))
			.withMessageContaining("closed within a frame");
	}

	@Test
	void aFrameAnnouncedLargeButNotSentCostsOnlyTheBytesReceived() {
		FrameReader reader = new FrameReader();
		byte[] header = { 0x01, 0x00, 0x00, 0x00, Opcodes.SAVE };
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> reader.read(Channels.newChannel(new ByteArrayInputStream(header))))
			.withMessageContaining("closed within a frame");
		assertThat(reader.capacity()).isLessThanOrEqualTo(8 * 1024);
	}

	@Test
	void theBufferGrowsWithTheBytesOfALargeFrameAsTheyArrive() {
		FrameReader reader = new FrameReader();
		byte[] partial = new byte[Frames.HEADER_BYTES + 1_000_000];
		ByteBuffer.wrap(partial).putInt(Frames.MAX_FRAME_BYTES).put(Opcodes.SAVE);
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> reader.read(Channels.newChannel(new ByteArrayInputStream(partial))));
		assertThat(reader.capacity()).isGreaterThanOrEqualTo(partial.length).isLessThanOrEqualTo(2 * partial.length);
	}

	@Test
	void aGuardThatFiredBeforeTheFrameWasDisarmedClosesTheFrameOut() throws Exception {
		byte[] stream = frame(WireOutput.frame(Opcodes.PING));
		ReadableByteChannel channel = Channels.newChannel(new ByteArrayInputStream(stream));
		try (ChannelWatchdog watchdog = new ChannelWatchdog("test-deadlines", Duration.ofMillis(1))) {
			ChannelWatchdog.Guard guard = watchdog.guard(channel);
			guard.arm(0);
			await().atMost(Duration.ofSeconds(10)).until(guard::fired);
			assertThat(guard.disarm()).isFalse();
			guard.arm(Duration.ofMinutes(1).toNanos());
			assertThat(guard.fired()).as("a fired guard stays fired").isTrue();
			assertThatExceptionOfType(IOException.class)
				.isThrownBy(() -> new FrameReader().read(channel, guard, 1, 1));
		}
	}

	@Test
	void aFrameReadInTimeLeavesTheGuardDisarmed() throws Exception {
		byte[] stream = frame(WireOutput.frame(Opcodes.PING));
		ReadableByteChannel channel = Channels.newChannel(new ByteArrayInputStream(stream));
		try (ChannelWatchdog watchdog = new ChannelWatchdog("test-deadlines", Duration.ofMillis(1))) {
			ChannelWatchdog.Guard guard = watchdog.guard(channel);
			long minute = Duration.ofMinutes(1).toNanos();
			assertThat(new FrameReader().read(channel, guard, minute, minute).readByte()).isEqualTo(Opcodes.PING);
			assertThat(guard.disarm()).isTrue();
			assertThat(guard.fired()).isFalse();
			assertThat(channel.isOpen()).isTrue();
		}
	}

	@Test
	void refusesToWriteAFrameAboveTheLimit() {
		WireOutput output = WireOutput.frame(Opcodes.SAVE).writeBytes(new byte[Frames.MAX_FRAME_BYTES]);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(output::toFrame);
	}

	private static byte[] frame(WireOutput output) throws ProtocolException {
		ByteBuffer buffer = output.toFrame();
		byte[] bytes = new byte[buffer.remaining()];
		buffer.get(bytes);
		return bytes;
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	private static final class OneByteAtATime extends InputStream {

		private final ByteArrayInputStream in;

		OneByteAtATime(byte[] bytes) {
			this.in = new ByteArrayInputStream(bytes);
		}

		@Override
		public int read() {
			return this.in.read();
		}

		@Override
		public int read(byte[] b, int off, int len) {
			return this.in.read(b, off, Math.min(len, 1));
		}

	}

}
