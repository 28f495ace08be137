package dev.sessionstarter.store;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link SessionIds}.
 */
class SessionIdsTests {

	@Test
	void acceptsGeneratedUuids() {
		assertThat(SessionIds.isValid(UUID.randomUUID().toString())).isTrue();
	}

	@Test
	void acceptsLettersDigitsDashAndUnderscoreUpToMaxLength() {
		assertThat(SessionIds.isValid("aZ09-_")).isTrue();
		assertThat(SessionIds.isValid("a")).isTrue();
		assertThat(SessionIds.isValid("x".repeat(SessionIds.MAX_LENGTH))).isTrue();
	}

	@Test
	void rejectsNullEmptyAndTooLongIds() {
		assertThat(SessionIds.isValid(null)).isFalse();
		assertThat(SessionIds.isValid("")).isFalse();
		assertThat(SessionIds.isValid("x".repeat(SessionIds.MAX_LENGTH + 1))).isFalse();
	}

	@Test
	void rejectsPathSeparatorsDotsControlAndNonAsciiCharacters() {
		for (String id : new String[] { "../etc", "a/b", "a\\b", "a.b", "a b", "a\0b", "a\nb", "caf\u00e9", "a:b",
				"a%2F", "\u0661\u0662" }) {
			assertThat(SessionIds.isValid(id)).as(id).isFalse();
		}
	}

	@Test
	void acceptsExactlyTheAsciiLettersDigitsDashAndUnderscoreOfAllChars() {
		for (char c = 0; c < Character.MAX_VALUE; c++) {
			boolean expected = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '_';
			assertThat(SessionIds.isValid("a" + c + "b")).as("char %d", (int) c).isEqualTo(expected);
		}
	}

	@Test
	void requireValidReturnsAValidIdAndRejectsAnInvalidOne() {
		assertThat(SessionIds.requireValid("abc")).isEqualTo("abc");
		assertThatIllegalArgumentException().isThrownBy(() -> SessionIds.requireValid("a/b"));
	}

}
