package dev.sessionstarter.autoconfigure;

import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ContextConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a bad {@code sessions.*} setting must do: stop startup with an
 * {@link InvalidSessionsPropertyException} that names the property.
 */
final class StartupFailures {

	private StartupFailures() {
	}

	static ContextConsumer<AssertableWebApplicationContext> failsNaming(String property) {
		return (context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidSessionsPropertyException.class)
				.hasMessageContaining(property);
		};
	}

}
