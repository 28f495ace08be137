package dev.sessionstarter.serialization;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.core.serializer.support.SerializationFailedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EncryptingSessionSerializerTests {

	static final byte[] KEY = key(1, 32);

	static final byte[] OLD_KEY = key(2, 16);

	private final JavaSessionSerializer plain = new JavaSessionSerializer(List.of(), null);

	private final EncryptingSessionSerializer serializer = new EncryptingSessionSerializer(this.plain, List.of(KEY));

	static byte[] key(int seed, int length) {
		byte[] key = new byte[length];
		for (int i = 0; i < length; i++) {
			key[i] = (byte) (seed * 31 + i);
		}
		return key;
	}

	@Test
	void encryptsAndDecryptsAValueOfOneSessionAttribute() {
		byte[] bytes = this.serializer.serialize("s1", "mark", "plain-text-marker");
		assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain("plain-text-marker");
		assertThat(bytes.length).isEqualTo(this.plain.serialize("plain-text-marker").length + 33);
		assertThat(this.serializer.deserialize("s1", "mark", bytes)).isEqualTo("plain-text-marker");
		assertThat(this.serializer.isStale(bytes)).isFalse();
	}

	@Test
	void encryptsTheSameValueDifferentlyEachTime() {
		byte[] first = this.serializer.serialize("s1", "mark", "v");
		assertThat(this.serializer.serialize("s1", "mark", "v")).isNotEqualTo(first);
	}

	@Test
	void refusesAValueMovedToAnotherSessionOrAttribute() {
		byte[] bytes = this.serializer.serialize("s1", "mark", "v");
		assertThatExceptionOfType(SerializationFailedException.class)
			.isThrownBy(() -> this.serializer.deserialize("s2", "mark", bytes))
			.withMessageContaining("sessions.encryption.key");
		assertThatExceptionOfType(SerializationFailedException.class)
			.isThrownBy(() -> this.serializer.deserialize("s1", "other", bytes));
	}

	@Test
	void rebindsAValueToANewSessionId() {
		byte[] bytes = this.serializer.serialize("s1", "mark", "v");
		byte[] rebound = this.serializer.rebind("s1", "s2", "mark", bytes);
		assertThat(this.serializer.deserialize("s2", "mark", rebound)).isEqualTo("v");
		assertThatExceptionOfType(SerializationFailedException.class)
			.isThrownBy(() -> this.serializer.deserialize("s1", "mark", rebound));
	}

	@Test
	void readsValuesOfAPreviousKeyAndCallsThemStale() {
		byte[] old = new EncryptingSessionSerializer(this.plain, List.of(OLD_KEY)).serialize("s1", "mark", "v");
		EncryptingSessionSerializer rotated = new EncryptingSessionSerializer(this.plain, List.of(KEY, OLD_KEY));
		assertThat(rotated.deserialize("s1", "mark", old)).isEqualTo("v");
		assertThat(rotated.isStale(old)).isTrue();
		assertThat(rotated.isStale(rotated.serialize("s1", "mark", "v"))).isFalse();
	}

	@Test
	void refusesValuesOfAnUnknownKeyAndPlainValues() {
		byte[] other = new EncryptingSessionSerializer(this.plain, List.of(key(3, 32))).serialize("s1", "mark", "v");
		assertThatExceptionOfType(SerializationFailedException.class)
			.isThrownBy(() -> this.serializer.deserialize("s1", "mark", other));
		assertThatExceptionOfType(SerializationFailedException.class)
			.isThrownBy(() -> this.serializer.deserialize("s1", "mark", this.plain.serialize("v")));
		assertThatExceptionOfType(SerializationFailedException.class)
			.isThrownBy(() -> this.serializer.deserialize("s1", "mark", new byte[0]));
	}

	@Test
	void aSerializerWithoutTheKeyFailsOnAnEncryptedValueRatherThanMisreadingIt() {
		byte[] bytes = this.serializer.serialize("s1", "mark", "v");
		assertThatExceptionOfType(SerializationFailedException.class).isThrownBy(() -> this.plain.deserialize(bytes));
		assertThatExceptionOfType(SerializationFailedException.class)
			.isThrownBy(() -> new JsonSessionSerializer(List.of(), null).deserialize(bytes));
	}

	@Test
	void refusesKeysThatAreNotAesKeys() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new EncryptingSessionSerializer(this.plain, List.of(key(1, 20))));
	}

	@Test
	void neverShowsItsKeys() {
		EncryptingSessionSerializer rotated = new EncryptingSessionSerializer(this.plain, List.of(KEY, OLD_KEY));
		assertThat(rotated.toString()).doesNotContain(Base64.getEncoder().encodeToString(KEY))
			.doesNotContain(Base64.getEncoder().encodeToString(OLD_KEY))
			.contains("2 key(s)");
	}

}
