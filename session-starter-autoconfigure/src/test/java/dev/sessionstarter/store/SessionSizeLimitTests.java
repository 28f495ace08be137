package dev.sessionstarter.store;

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

	private static SessionChange create(String id, byte[] value) {
		return new SessionChange(id, null, true, 0, 0L, 60_000L, false, null, Map.of("a", value));
	}

}
