package dev.sessionstarter.store.file;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SlotHash}: SipHash-2-4 against the reference test vectors (key
 * {@code 00 01 .. 0f}, message {@code 00 01 ..}), the message given as UTF-16LE characters.
 */
class SlotHashTests {

	private final SlotHash hash = new SlotHash(new byte[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 });

	@Test
	void matchesTheReferenceVectors() {
		assertThat(this.hash.hash("")).isEqualTo(0x726fdb47dd0e0e31L);
		assertThat(this.hash.hash("\u0100")).isEqualTo(0x0d6c8009d9a94f5aL);
		assertThat(this.hash.hash("\u0100\u0302")).isEqualTo(0xcf2794e0277187b7L);
		assertThat(this.hash.hash("\u0100\u0302\u0504")).isEqualTo(0xcbc9466e58fee3ceL);
		assertThat(this.hash.hash("\u0100\u0302\u0504\u0706")).isEqualTo(0x93f5f5799a932462L);
	}

	@Test
	void slotAndShardAreInRange() {
		for (int i = 0; i < 1000; i++) {
			assertThat(this.hash.slot("id-" + i, 1 << 14)).isBetween(0, (1 << 14) - 1);
			assertThat(this.hash.shard("id-" + i, 64)).isBetween(0, 63);
		}
	}

}
