package dev.sessionstarter.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link InvalidSessionsPropertyException} that stopped startup.
 */
class InvalidSessionsPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSessionsPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidSessionsPropertyException cause) {
		String description = "The session store cannot start: property '" + cause.getProperty() + "' is '"
				+ cause.getValue() + "', but it " + cause.getRequirement() + ".";
		String action = "Update '" + cause.getProperty() + "' in your application's configuration.";
		return new FailureAnalysis(description, action, cause);
	}

}
