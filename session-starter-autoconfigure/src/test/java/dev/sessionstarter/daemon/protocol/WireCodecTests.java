package dev.sessionstarter.daemon.protocol;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class WireCodecTests {

	@Test
	void recordSurvivesTheRoundTrip() throws Exception {
		SessionRecord record = new SessionRecord("abc-123", 1000, 2000, 1800000, "alice",
				new String[] { "cart", "empty" }, new byte[][] { bytes("three items"), new byte[0] }, 7);
		SessionRecord read = roundTrip(record);
		assertThat(read.id()).isEqualTo("abc-123");
		assertThat(read.creationTime()).isEqualTo(1000);
		assertThat(read.lastAccessedTime()).isEqualTo(2000);
		assertThat(read.maxInactiveMillis()).isEqualTo(1800000);
		assertThat(read.principalName()).isEqualTo("alice");
		assertThat(read.version()).isEqualTo(7);
		assertThat(read.attributeNames()).containsExactly("cart", "empty");
		assertThat(read.attribute("cart")).isEqualTo(bytes("three items"));
		assertThat(read.attribute("empty")).isEmpty();
	}

	@Test
	void recordWithoutPrincipalOrAttributesSurvivesTheRoundTrip() throws Exception {
		SessionRecord read = roundTrip(new SessionRecord("x", 1, 2, -1, null, new String[0], new byte[0][], 1));
		assertThat(read.principalName()).isNull();
		assertThat(read.attributeCount()).isZero();
		assertThat(read.maxInactiveMillis()).isEqualTo(-1);
	}

	@Test
	void changeKeepsRemovedAttributesAndUnsetFields() throws Exception {
		Map<String, byte @Nullable []> attributes = new HashMap<>();
		attributes.put("set", bytes("v"));
		attributes.put("removed", null);
		SessionChange change = new SessionChange("new-id", "old-id", false, 5, null, 60000L, true, null, attributes);
		WireOutput output = WireOutput.plain();
		WireCodec.writeChange(output, change);
		WireInput input = new WireInput(output.toByteArray());
		SessionChange read = WireCodec.readChange(input);
		input.requireEnd();
		assertThat(read.id()).isEqualTo("new-id");
		assertThat(read.previousId()).isEqualTo("old-id");
		assertThat(read.isRename()).isTrue();
		assertThat(read.isCreate()).isFalse();
		assertThat(read.lastAccessedTime()).isNull();
		assertThat(read.maxInactiveMillis()).isEqualTo(60000L);
		assertThat(read.isPrincipalNameChanged()).isTrue();
		assertThat(read.principalName()).isNull();
		assertThat(read.attributes()).containsKey("removed").containsEntry("removed", null);
		assertThat(read.attributes().get("set")).isEqualTo(bytes("v"));
	}

	@Test
	void createChangeSurvivesTheRoundTrip() throws Exception {
		SessionChange change = new SessionChange("id1", null, true, 10, 10L, 1000L, false, "bob",
				Map.of("a", bytes("1")));
		WireOutput output = WireOutput.plain();
		WireCodec.writeChange(output, change);
		SessionChange read = WireCodec.readChange(new WireInput(output.toByteArray()));
		SessionRecord applied = SessionRecord.apply(null, read);
		assertThat(applied.principalName()).isEqualTo("bob");
		assertThat(applied.attribute("a")).isEqualTo(bytes("1"));
	}

	@Test
	void rejectsAnIdThatCouldNameAPath() {
		WireOutput output = WireOutput.plain().writeString("../../etc/passwd");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> WireCodec.readId(new WireInput(output.toByteArray())))
			.withMessageContaining("Invalid session id");
	}

	@Test
	void rejectsATruncatedRecord() {
		WireOutput output = WireOutput.plain();
		WireCodec.writeRecord(output, new SessionRecord("id", 1, 2, 3, null, new String[] { "a" },
				new byte[][] { bytes("value") }, 1));
		byte[] bytes = output.toByteArray();
		for (int length = 0; length < bytes.length; length++) {
			byte[] truncated = java.util.Arrays.copyOf(bytes, length);
			assertThatExceptionOfType(ProtocolException.class)
				.isThrownBy(() -> WireCodec.readRecord(new WireInput(truncated)));
		}
	}

	@Test
	void rejectsAnAttributeCountLargerThanTheInput() {
		WireOutput output = WireOutput.plain().writeString("id").writeLong(1).writeLong(2).writeLong(3)
			.writeString(null).writeLong(1).writeInt(Integer.MAX_VALUE);
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> WireCodec.readRecord(new WireInput(output.toByteArray())))
			.withMessageContaining("Bad element count");
	}

	@Test
	void rejectsAStringLongerThanTheInput() {
		WireOutput output = WireOutput.plain().writeInt(1_000_000).writeByte('x');
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> new WireInput(output.toByteArray()).readString())
			.withMessageContaining("Truncated");
	}

	@Test
	void statsSurviveTheRoundTrip() throws Exception {
		DaemonStats stats = new DaemonStats("sessions", 3, 4096, 1 << 20, 2, 5, 1234, 6, 7, 8, true);
		WireOutput output = WireOutput.plain();
		WireCodec.writeStats(output, stats);
		assertThat(WireCodec.readStats(new WireInput(output.toByteArray()))).isEqualTo(stats);
	}

	private static SessionRecord roundTrip(SessionRecord record) throws ProtocolException {
		WireOutput output = WireOutput.plain();
		WireCodec.writeRecord(output, record);
		WireInput input = new WireInput(output.toByteArray());
		SessionRecord read = WireCodec.readRecord(input);
		input.requireEnd();
		return read;
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
