package dev.sessionstarter.daemon.protocol;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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
