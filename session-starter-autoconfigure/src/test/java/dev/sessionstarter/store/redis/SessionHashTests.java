package dev.sessionstarter.store.redis;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SessionHash}'s encoding of numbers, which writes the digits itself.
 */
class SessionHashTests {

	@ParameterizedTest
	@ValueSource(longs = { 0, 1, 9, 10, 99, 100, 1_799_000_000_000L, 999_999_999_999_999_999L,
			1_000_000_000_000_000_000L, Long.MAX_VALUE, -1, -9, -10, -30_000, Long.MIN_VALUE + 1, Long.MIN_VALUE })
	void aNumberIsEncodedAsLongToStringWritesIt(long value) {
		assertThat(new String(SessionHash.number(value), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(value));
		assertThat(SessionHash.number(SessionHash.number(value))).isEqualTo(value);
	}

}
