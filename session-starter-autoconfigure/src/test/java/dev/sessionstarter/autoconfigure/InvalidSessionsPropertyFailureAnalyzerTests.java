package dev.sessionstarter.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

class InvalidSessionsPropertyFailureAnalyzerTests {

	@Test
	void namesThePropertyItsValueAndWhatIsExpected() {
		InvalidSessionsPropertyException cause = new InvalidSessionsPropertyException("sessions.memory.max-size",
				"0B", "must be greater than zero, such as 4MB");
		FailureAnalysis analysis = new InvalidSessionsPropertyFailureAnalyzer()
			.analyze(new BeanCreationException("sessionsProperties", "Init failed", cause));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("'sessions.memory.max-size'", "'0B'",
				"must be greater than zero");
		assertThat(analysis.getAction()).contains("sessions.memory.max-size");
	}

}
