package dev.sessionstarter.store;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@ExtendWith(OutputCaptureExtension.class)
class SessionSizeLimitTests {

	private final SessionSizeLimit limit = new SessionSizeLimit(1024);

	@Test
	void logsOneWarningForManyRefusalsAndCountsEachOne(CapturedOutput output) {
		for (int i = 0; i < 100; i++) {
			assertThatExceptionOfType(SessionTooLargeException.class)
				.isThrownBy(() -> this.limit.check(null, create("s", new byte[2048])));
		}
		assertThat(this.limit.refused()).isEqualTo(100);
		assertThat(output.toString().split("sessions.max-session-size", -1)).hasSize(2);
	}

	@Test
	void countsTheSessionAsItWillBeOnceTheChangeIsMerged() {
		SessionRecord base = SessionRecord.apply(null, create("s", new byte[600]));
		SessionChange more = new SessionChange("s", null, false, 0, null, null, false, null,
				Map.of("other", new byte[600]));
		assertThatExceptionOfType(SessionTooLargeException.class).isThrownBy(() -> this.limit.check(base, more));
		SessionChange replacing = new SessionChange("s", null, false, 0, null, null, false, null,
				Map.of("a", new byte[700]));
		this.limit.check(base, replacing);
		assertThat(SessionSizeLimit.size(base, replacing)).isBetween(700L, 800L);
	}

	/**
	 * A session is let through without its strings being read while a bound from their lengths
	 * (three bytes a character) is under the limit; near the limit its exact size decides.
	 */
	@Test
	void decidesByTheExactSizeNearTheBound() {
		String id = "s".repeat(40);
		long fixed = SessionSizeLimit.size(null, create(id, new byte[0]));
		SessionChange justUnder = create(id, new byte[(int) (1024 - fixed)]);
		assertThat(SessionSizeLimit.size(null, justUnder)).isEqualTo(1024);
		assertThat(SessionSizeLimit.upperBound(null, justUnder)).isGreaterThan(1024);
		this.limit.check(null, justUnder);
		SessionChange justOver = create(id, new byte[(int) (1024 - fixed + 1)]);
		assertThatExceptionOfType(SessionTooLargeException.class).isThrownBy(() -> this.limit.check(null, justOver));
	}

	@Test
	void theBoundFromLengthsIsNeverUnderTheSize() {
		SessionRecord base = new SessionRecord("s", 0, 0, 60_000, "\u00e9t\u00e9 \u4e2d\ud83d\ude00",
				new String[] { "kept\u00e9", "\u4e2d", "gone" },
				new byte[][] { new byte[3], new byte[5], new byte[7] }, 1);
		Map<String, byte[]> attributes = new HashMap<>();
		attributes.put("gone", null);
		attributes.put("new\ud83d\ude00", new byte[11]);
		SessionChange change = new SessionChange("s", null, false, 0, null, null, false, null, attributes);
		assertThat(SessionSizeLimit.upperBound(base, change))
			.isGreaterThanOrEqualTo(SessionSizeLimit.size(base, change));
		assertThat(SessionSizeLimit.upperBound(null, create("\u4e2d", new byte[1])))
			.isGreaterThanOrEqualTo(SessionSizeLimit.size(null, create("\u4e2d", new byte[1])));
	}

	private static SessionChange create(String id, byte[] value) {
		return new SessionChange(id, null, true, 0, 0L, 60_000L, false, null, Map.of("a", value));
	}

}
